"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/** How close to the bottom still counts as "at the bottom": a stray pixel of scrolling should not stop following. */
export const FOLLOW_SLACK_PX = 40;

export interface ScrollPosition {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

export function isAtBottom(
  { scrollTop, scrollHeight, clientHeight }: ScrollPosition,
  slack = FOLLOW_SLACK_PX,
) {
  return scrollHeight - clientHeight - scrollTop <= slack;
}

/**
 * Whether a scroll event leaves the view following. Not only "at the bottom": a scroll event is handled after
 * newer content may have been added, so a view we had scrolled to the bottom (`pinnedTop`) can look "far from
 * the bottom" without the reader having moved. Only a move up from where we put it stops following.
 */
export function followsAfterScroll(position: ScrollPosition, pinnedTop: number) {
  return position.scrollTop >= pinnedTop - 1 || isAtBottom(position);
}

function pinToBottom(scroller: HTMLElement, pinnedTop: { current: number }) {
  scroller.scrollTop = scroller.scrollHeight;
  pinnedTop.current = scroller.scrollTop;
}

/**
 * Keeps a growing conversation in view without fighting the reader: it follows the bottom only while the reader
 * is there. Scrolling up stops it (and `showJump` offers the way back); `follow()` scrolls down and resumes.
 * The scroll happens in a ResizeObserver callback, after the browser has laid the new content out anyway, so it
 * never forces an extra layout of a long transcript.
 */
export function useFollowBottom() {
  const scrollerRef = useRef<HTMLDivElement>(null);
  const contentRef = useRef<HTMLDivElement>(null);
  const following = useRef(true);
  /** Where the view was last scrolled to the bottom by us. */
  const pinnedTop = useRef(0);
  const [showJump, setShowJump] = useState(false);

  useEffect(() => {
    const scroller = scrollerRef.current;
    const content = contentRef.current;
    if (!scroller || !content) return;
    const onScroll = () => {
      following.current = followsAfterScroll(scroller, pinnedTop.current);
      setShowJump(!following.current);
    };
    // The content grew (a delta, a tool card) or the scroller changed size (the status line came or went).
    const observer = new ResizeObserver(() => {
      if (following.current) pinToBottom(scroller, pinnedTop);
      else setShowJump(!isAtBottom(scroller));
    });
    observer.observe(content);
    observer.observe(scroller);
    scroller.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      observer.disconnect();
      scroller.removeEventListener("scroll", onScroll);
    };
  }, []);

  const follow = useCallback(() => {
    following.current = true;
    setShowJump(false);
    const scroller = scrollerRef.current;
    // Instant, not smooth: a smooth scroll's first steps would read as the reader scrolling up again.
    if (scroller) pinToBottom(scroller, pinnedTop);
  }, []);

  return { scrollerRef, contentRef, showJump, follow };
}
