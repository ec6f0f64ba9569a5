"use client";

import dynamic from "next/dynamic";
import { createContext, memo, Suspense, useContext, useState } from "react";
import { SERVER_MARKDOWN } from "#markdown-on-the-server";
import { MarkdownIsland, type MarkdownProps, type MarkdownRenderer } from "./markdown-island";

/**
 * The markdown renderer (react-markdown, GFM, syntax highlighting: ~200 kB of script) is its own chunk: no page
 * loads it before it is interactive, and sending a question loads it while the agent works (`preloadMarkdown`).
 */
const loadMarkdown = () => import("./markdown");
const loadRenderer = (): Promise<MarkdownRenderer> => loadMarkdown().then((module) => module.Markdown);
const LoadedMarkdown = dynamic(loadRenderer);

export function preloadMarkdown(): void {
  void loadMarkdown();
}

/**
 * Set on a chat page whose messages the server renders (`KeepServerMarkdown`): whether that page is still
 * hydrating, read by each message as it mounts (a mutable object, not a value: it turning false must not
 * render every message again). There the server renders each message's markdown itself, directly: not in a
 * Suspense boundary each, since past the first ~12 kB of a page React streams every boundary's content apart
 * from the page and shows its fallback until a script moves the content in, up to half a second after the
 * first paint. The browser keeps that HTML (MarkdownIsland).
 */
export const ServerRendersMarkdown = createContext<{ hydrating: boolean } | null>(null);

/**
 * Markdown as text, rendered as markdown once the renderer has loaded; until then (a moment, the first time an
 * answer comes in on a new chat) the text as it is, as inert as the rendered form. Memoised: while the page
 * hydrates, a boundary still waiting for the renderer must not be rendered again (an update would make React
 * give up its server HTML and show the fallback).
 */
export const Markdown = memo(function Markdown({ text, writing = false }: MarkdownProps) {
  const page = useContext(ServerRendersMarkdown);
  // Decided once: a message the page opened with stays an island until it becomes its React form.
  const [fromTheServer] = useState(() => page?.hydrating === true);
  if (fromTheServer) {
    return SERVER_MARKDOWN ? (
      <SERVER_MARKDOWN text={text} writing={writing} />
    ) : (
      <MarkdownIsland text={text} writing={writing} load={loadRenderer} />
    );
  }
  return (
    <Suspense
      fallback={
        <div className="markdown whitespace-pre-wrap" data-writing={writing || undefined}>
          {text}
        </div>
      }
    >
      <LoadedMarkdown text={text} writing={writing} />
    </Suspense>
  );
});
