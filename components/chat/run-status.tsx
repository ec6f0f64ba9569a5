"use client";

import { usePathname } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useChatListStore } from "@/lib/client/chat-list-store";
import {
  answerSteps,
  endAnnouncement,
  formatElapsed,
  PHASE_LABEL,
  type RunPhase,
  runPhase,
  runTabTitle,
  stepsStatus,
} from "@/lib/client/run-progress";
import { useRunStatusStore } from "@/lib/client/run-status-store";
import { useSettingsStore } from "@/lib/client/settings-store";
import type { ChatMessage } from "@/lib/shared/chat";
import { tabTitleOf } from "@/lib/shared/chat-title";

interface RunStatusProps {
  chatId: string;
  /** A stream is open or being reconnected. */
  busy: boolean;
  reconnecting: boolean;
  /** The assistant message of the current turn, if the agent has started answering. */
  answer?: ChatMessage;
  /** Why the last request failed, in words. */
  requestError?: string;
}

/**
 * The line under the conversation while a run goes on: its phase, a ticking elapsed time, the steps so far
 * (counted as the message's step headers count them), how often the server checked, and a slim indeterminate bar. The line is not a live region (its time
 * changes every second); a separate polite one announces each phase change and the run's end once. The tab's
 * title shows the run too, and an opted-in notification says when it ended in a hidden tab.
 */
export function RunStatus({ chatId, busy, reconnecting, answer, requestError }: RunStatusProps) {
  const live = useRunStatusStore((state) => state.byChat[chatId]);
  const phase = runPhase(
    busy,
    live?.status ?? (reconnecting ? "reconnecting" : undefined),
    answer,
    live?.writing,
  );
  const ticking = phase !== null && phase !== "approval";
  const now = useNow(ticking);
  const elapsedMs = live ? Math.max(now, live.startedAtMs) - live.startedAtMs : 0;
  const chatTitle = useChatListStore((state) => state.chats.find((chat) => chat.id === chatId)?.title);
  const announcement = useAnnouncements(phase, chatTitle, answer, requestError);
  useRunTitle(phase, elapsedMs, chatTitle);
  const steps = answerSteps(answer);

  return (
    <>
      {phase && (
        <div
          className="px-4 pt-1 text-sm text-zinc-600 dark:text-zinc-400"
          data-testid="run-status"
          data-phase={phase}
        >
          {ticking && (
            <div aria-hidden className="relative h-0.5 overflow-hidden rounded bg-blue-100 dark:bg-blue-950">
              <div className="run-progress-bar absolute inset-y-0 left-0 w-1/3 rounded bg-blue-600" />
            </div>
          )}
          <div className="flex flex-wrap items-center gap-x-2 py-1">
            <span className="font-medium text-zinc-800 dark:text-zinc-200">{PHASE_LABEL[phase]}</span>
            {ticking && live && (
              <span data-testid="run-elapsed">
                · <span className="sr-only">elapsed </span>
                {formatElapsed(elapsedMs)}
              </span>
            )}
            {steps.count > 0 && <span data-testid="run-steps">· {stepsStatus(steps)}</span>}
            {ticking && live && live.polls > 0 && (
              <span data-testid="run-polls">· checked {live.polls}×</span>
            )}
            {ticking && live?.retrying && (
              <span className="text-amber-700 dark:text-amber-400">· {live.retrying.message}</span>
            )}
          </div>
        </div>
      )}
      <div role="status" aria-live="polite" className="sr-only">
        {announcement}
      </div>
    </>
  );
}

/** The current time, every second while `active`. */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

/** The text of the live region: the phase when it changes, how the run ended when it does. */
function useAnnouncements(
  phase: RunPhase | null,
  chatTitle: string | undefined,
  answer: ChatMessage | undefined,
  requestError: string | undefined,
): string {
  const [announcement, setAnnouncement] = useState("");
  const previous = useRef<RunPhase | null>(null);
  useEffect(() => {
    const before = previous.current;
    previous.current = phase;
    if (phase === before) return;
    const wasRunning = before !== null && before !== "approval";
    if (phase !== null && phase !== "approval") {
      setAnnouncement(PHASE_LABEL[phase]);
    } else if (wasRunning) {
      const ending = endAnnouncement(answer, requestError);
      setAnnouncement(ending);
      notifyIfHidden(ending, chatTitle);
    } else if (phase === "approval") {
      setAnnouncement(PHASE_LABEL.approval);
    }
  }, [phase, answer, requestError, chatTitle]);
  return announcement;
}

/** A system notification, only if the person turned them on, granted permission, and is looking elsewhere. */
function notifyIfHidden(text: string, chatTitle: string | undefined) {
  if (!useSettingsStore.getState().notifyWhenDone || !document.hidden) return;
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const notification = new Notification(text, { body: chatTitle ?? document.title });
  notification.onclick = () => {
    window.focus();
    notification.close();
  };
}

/**
 * The tab's title shows the run while there is one; the title it replaced comes back afterwards.
 *
 * Next's route announcer reads the title out (assertively) when the router's URL changes, as it does when a new
 * chat's first message gives the page its URL: the router catches up with that URL in a transition, late while
 * a run streams. So the run's title waits until the router has the page's URL, and is written a task later,
 * once every effect of that commit (the announcer's reading of the title among them) has run.
 */
function useRunTitle(phase: RunPhase | null, elapsedMs: number, chatTitle: string | undefined) {
  const routerPath = usePathname();
  const original = useRef<string | null>(null);
  useEffect(() => {
    if (phase === null) {
      // The chat's title as it is now (renamed during the run, or named by the first message of a new chat).
      if (original.current !== null) document.title = chatTitle ? tabTitleOf(chatTitle) : original.current;
      original.current = null;
      return;
    }
    if (routerPath !== window.location.pathname) return;
    const timer = setTimeout(() => {
      original.current ??= document.title;
      document.title = runTabTitle(phase, elapsedMs, chatTitle ?? original.current);
    }, 0);
    return () => clearTimeout(timer);
  }, [phase, elapsedMs, chatTitle, routerPath]);
  useEffect(
    () => () => {
      if (original.current !== null) document.title = original.current;
    },
    [],
  );
}
