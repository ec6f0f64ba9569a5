"use client";

import { type ReactNode, startTransition, useEffect, useState } from "react";
import { useHydrating } from "./use-hydrating";

/** The messages a chat opens with (rendered by the server, hydrated): its end, more than a screen's worth. */
export const FIRST_WINDOW = 16;
/**
 * Of those, the ones laid out when a long chat opens; the browser lays out the others only when they come near
 * the screen (LaidOutWhenSeen). The end of a long chat is what the reader sees first, and laying out 16 answers
 * with their tables and code at once was the page's longest task, 50–100 ms on a first open.
 */
export const LAID_OUT_AT_OPEN = 4;
/** Earlier messages added per step once the page is up. */
export const WINDOW_STEP = 4;

/** The first message to render, of `count`, given where the window has grown to (`start`). */
export function windowStart(start: number, count: number): number {
  return Math.min(start, Math.max(0, count - FIRST_WINDOW));
}

/**
 * Which messages to render: a long chat opens with its last FIRST_WINDOW only, so the server renders, sends and
 * the page hydrates (markdown parsed again included) a screen or two rather than the whole history; its data
 * comes once, as the chat's messages. The earlier ones are then added above, WINDOW_STEP at a time when the page
 * is idle, in transitions (React yields between messages, and a keystroke goes first), until all are there
 * (find-in-page sees everything a few seconds later), inside EarlierMessages. The view stays at the end
 * meanwhile: follow-bottom pins it while content above grows, and a reader who has scrolled up keeps their place
 * (the browser's scroll anchoring). Returns the first message to render (`from`) and where the messages the chat
 * opened with begin (`split`: those before it go in EarlierMessages), and, of those, the first laid out at once
 * (`laidOutFrom`: those before it go in LaidOutWhenSeen).
 */
export function useMessageWindow(count: number): { from: number; split: number; laidOutFrom: number } {
  const [split] = useState(() => Math.max(0, count - FIRST_WINDOW));
  // Fixed at open: messages added or removed later are laid out as usual.
  const [laidOutFrom] = useState(() => (count > FIRST_WINDOW ? count - LAID_OUT_AT_OPEN : 0));
  const [start, setStart] = useState(() => Math.max(0, count - FIRST_WINDOW));
  useEffect(() => {
    if (start === 0) return;
    const grow = () => startTransition(() => setStart((current) => Math.max(0, current - WINDOW_STEP)));
    if (typeof requestIdleCallback === "function") {
      const id = requestIdleCallback(grow, { timeout: 500 });
      return () => cancelIdleCallback(id);
    }
    const id = setTimeout(grow, 50);
    return () => clearTimeout(id);
  }, [start]);
  return { from: windowStart(start, count), split: Math.min(split, count), laidOutFrom };
}

/** A guess at a message's height, for the space earlier messages hold before they are first laid out. */
const ESTIMATED_MESSAGE_PX = 400;

/**
 * The messages added above the ones a long chat opened with. `content-visibility: auto`: while they are off
 * screen (the reader at the end), the browser skips their style, layout and paint, so adding them does not cost
 * a frame of the whole transcript each time (it did: 50–140 ms of paint and layout per step of 4); they are laid
 * out when scrolled to, and found by find-in-page. That also contains their paint at the box, so it is padded
 * (and pulled back by as much) to leave room for the focus rings of what sits at its edges.
 */
export function EarlierMessages({ count, children }: { count: number; children: ReactNode }) {
  return (
    <div
      className="-mx-1 flex flex-col gap-6 px-1"
      style={{ contentVisibility: "auto", containIntrinsicSize: `auto ${count * ESTIMATED_MESSAGE_PX}px` }}
      data-earlier-messages
    >
      {children}
    </div>
  );
}

/**
 * One message a long chat opened with but does not show first: laid out only when it comes near the screen
 * (`content-visibility: auto`, each on its own, so those near the end are laid out and the rest not). In the
 * server's HTML it is `hidden`: the page is at the top while the HTML is parsed, where `auto` would lay out the
 * first of them; ScrollToEnd makes them `auto` once it has moved to the end, and so does React once hydrated.
 */
export function LaidOutWhenSeen({ children }: { children: ReactNode }) {
  const hydrating = useHydrating();
  return (
    <div
      className="-mx-1 px-1"
      style={{
        contentVisibility: hydrating ? "hidden" : "auto",
        containIntrinsicSize: `auto ${ESTIMATED_MESSAGE_PX}px`,
      }}
      data-laid-out-when-seen
    >
      {children}
    </div>
  );
}

/**
 * Runs as the HTML is parsed, right after the conversation's scroller: see ScrollToEnd. It scrolls in the next
 * frame, before that frame is painted, rather than at once: reading the scroller's height lays the page out,
 * and done while parsing that made the parser's task the page's longest (50–100 ms on a first open, the first
 * layout and style of the page); in the frame it is the layout the frame makes anyway. From then on the messages
 * hidden in the HTML (LaidOutWhenSeen) are laid out when they come near the screen.
 */
const SCROLL_TO_END_SCRIPT =
  "(function(s){if(s)requestAnimationFrame(function(){s.scrollTop=s.scrollHeight;s.querySelectorAll('[data-laid-out-when-seen]').forEach(function(e){e.style.contentVisibility='auto'})})})(document.currentScript&&document.currentScript.previousElementSibling)";

/**
 * Put right after the conversation's scroller: a chat opened from the server shows its end at the first paint,
 * not after the scripts have loaded and hydrated (follow-bottom then keeps it there). Only in the server's HTML:
 * once hydrated it goes (a script React creates would never run anyway).
 */
export function ScrollToEnd() {
  const hydrating = useHydrating();
  if (!hydrating) return null;
  // biome-ignore lint/security/noDangerouslySetInnerHtml: a constant of ours, no user data
  return <script dangerouslySetInnerHTML={{ __html: SCROLL_TO_END_SCRIPT }} />;
}
