"use client";

import { type ComponentType, startTransition, useEffect, useRef, useState } from "react";
import { markdownRootProps } from "./markdown-root";

export type MarkdownProps = { text: string; writing?: boolean };
export type MarkdownRenderer = ComponentType<MarkdownProps>;

/** An island waiting to become the React form of its text. */
type Waiting = { element: HTMLElement; become: (renderer: MarkdownRenderer) => void };

const waiting: Waiting[] = [];
let renderer: MarkdownRenderer | null = null;
let loading: Promise<MarkdownRenderer> | null = null;
let turnScheduled = false;

/** How long an island that holds the focus or the selection is left before it is looked at again. */
const BUSY_RETRY_MS = 1000;

function whenIdle(run: () => void): void {
  if (typeof requestIdleCallback === "function") requestIdleCallback(run, { timeout: 500 });
  else setTimeout(run, 50);
}

/** Replacing the element would take the reader's focus or selection away: leave it for now. */
function inUse(element: HTMLElement): boolean {
  if (element.contains(document.activeElement)) return true;
  const selection = document.getSelection();
  return !!selection && !selection.isCollapsed && selection.containsNode(element, true);
}

/**
 * Which island's turn it is, of those waiting (in the page's order): the last one not in use, since the end of
 * the chat is what the reader sees; -1 when every one is in use.
 */
export function nextIsland<T>(islands: readonly T[], isInUse: (island: T) => boolean): number {
  return islands.findLastIndex((island) => !isInUse(island));
}

/**
 * One island per idle moment, each in a transition (a keystroke goes first): one message's rendering is a
 * short task, where all of them at once was the page's longest.
 */
function takeTurn(): void {
  turnScheduled = false;
  const current = renderer;
  if (!current) return;
  const index = nextIsland(waiting, (island) => inUse(island.element));
  const island = waiting[index];
  if (!island) {
    setTimeout(scheduleTurn, BUSY_RETRY_MS);
    return;
  }
  waiting.splice(index, 1);
  startTransition(() => island.become(current));
  scheduleTurn();
}

function scheduleTurn(): void {
  if (turnScheduled || !renderer || waiting.length === 0) return;
  turnScheduled = true;
  whenIdle(takeTurn);
}

/** The renderer, loaded once; a failed load (the network gone) is tried again by the next island that asks. */
function loadRenderer(load: () => Promise<MarkdownRenderer>): Promise<MarkdownRenderer> {
  loading ??= load().then(
    (loaded) => {
      renderer = loaded;
      return loaded;
    },
    (error: unknown) => {
      loading = null;
      throw error;
    },
  );
  return loading;
}

/** Until the renderer loads, an island stays the server's HTML: all there, only its code's Copy inert. */
const stayAsServed = () => {};

/**
 * A message's markdown as the server rendered it, on a chat page that opened with its messages. Hydrating
 * does not render it again: the element has an empty `dangerouslySetInnerHTML`, and React leaves an element's
 * server-made content alone then. So the page hydrates without the markdown renderer (react-markdown, GFM,
 * highlighting: ~200 kB of script) and without parsing every answer again, which was most of its work. Once
 * the page is up, `load` fetches the renderer and the island becomes the React form of its text (see
 * `takeTurn`), so its code's Copy buttons work; at once when its text changed meanwhile (an answer that was
 * being written when the page opened). Until then it is the same markup, as inert, its links working.
 */
export function MarkdownIsland({
  text,
  writing = false,
  load,
}: MarkdownProps & { load: () => Promise<MarkdownRenderer> }) {
  const [Rendered, setRendered] = useState<MarkdownRenderer | null>(null);
  const [openedWith] = useState(text);
  const changed = text !== openedWith;
  const element = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const target = element.current;
    if (!target) return; // already its React form
    let mounted = true;
    const island: Waiting = {
      element: target,
      become: (loaded) => {
        if (mounted) setRendered(() => loaded);
      },
    };
    // A text that changed since the page opened becomes live as soon as the renderer is there, out of turn.
    if (changed) loadRenderer(load).then(island.become, stayAsServed);
    else {
      waiting.push(island);
      loadRenderer(load).then(scheduleTurn, stayAsServed);
    }
    return () => {
      mounted = false;
      const index = waiting.indexOf(island);
      if (index >= 0) waiting.splice(index, 1);
    };
  }, [changed, load]);

  if (Rendered) return <Rendered text={text} writing={writing} />;
  return (
    <div
      ref={element}
      {...markdownRootProps(writing)}
      // biome-ignore lint/security/noDangerouslySetInnerHtml: empty: it keeps the server's rendering (above)
      dangerouslySetInnerHTML={{ __html: "" }}
      suppressHydrationWarning
    />
  );
}
