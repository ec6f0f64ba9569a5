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

/** Room left above a new long answer's first line when the view stops at it. */
export const ANSWER_START_MARGIN_PX = 16;

/**
 * Where a following view goes as the conversation grows: the bottom, unless that would scroll the start of the
 * answer being written (`answerTop`, in the scroller's content coordinates) out of view above. Then the view
 * stops with that start at the top and stops following: a long answer is read from its beginning, while a short
 * one (and every tool card before it) is followed to the end.
 */
export function followTarget(
  { scrollHeight, clientHeight }: Pick<ScrollPosition, "scrollHeight" | "clientHeight">,
  answerTop: number | undefined,
): { scrollTop: number; following: boolean } {
  const bottom = Math.max(0, scrollHeight - clientHeight);
  if (answerTop === undefined) return { scrollTop: bottom, following: true };
  const start = Math.max(0, answerTop - ANSWER_START_MARGIN_PX);
  return bottom > start ? { scrollTop: start, following: false } : { scrollTop: bottom, following: true };
}

/** The answer text being written now (the last one marked by Markdown), with its top in content coordinates. */
function answerBeingWritten(scroller: HTMLElement): { element: Element; top: number } | undefined {
  const writing = scroller.querySelectorAll("[data-writing]");
  const element = writing[writing.length - 1];
  if (!element) return undefined;
  const top = element.getBoundingClientRect().top - scroller.getBoundingClientRect().top + scroller.scrollTop;
  return { element, top };
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
  /** The answer the view last stopped at (or was asked past, with "Jump to latest"): it is not stopped at again. */
  const stoppedAt = useRef<Element | null>(null);
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
      if (!following.current) {
        setShowJump(!isAtBottom(scroller));
        return;
      }
      const answer = answerBeingWritten(scroller);
      const target = followTarget(
        scroller,
        answer && answer.element !== stoppedAt.current ? answer.top : undefined,
      );
      if (target.following) {
        pinToBottom(scroller, pinnedTop);
        return;
      }
      stoppedAt.current = answer?.element ?? null;
      following.current = false;
      // Not a spot we pinned to the bottom: the scroll event this causes must not read as "still following".
      pinnedTop.current = Number.POSITIVE_INFINITY;
      scroller.scrollTop = target.scrollTop;
      setShowJump(true);
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
    // Asked to go to the end: the answer being written now is followed from here on.
    if (scroller) stoppedAt.current = answerBeingWritten(scroller)?.element ?? stoppedAt.current;
    // Instant, not smooth: a smooth scroll's first steps would read as the reader scrolling up again.
    if (scroller) pinToBottom(scroller, pinnedTop);
  }, []);

  return { scrollerRef, contentRef, showJump, follow };
}
