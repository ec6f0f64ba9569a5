"use client";

import { usePathname } from "next/navigation";
import { useEffect } from "react";
import { useChatListStore } from "@/lib/client/chat-list-store";
import { type LiveRunStatus, useRunStatusStore } from "@/lib/client/run-status-store";

/** While anything listed is running, the list is checked this often (runs in other tabs, or nobody's). */
const RUNNING_REFRESH_MS = 15_000;

/**
 * The chats this tab streams a run for, with whether the server has answered yet (`id:1`) or the turn is only
 * being submitted (`id:0`). A chat created on "/" exists on the server from its first answered turn on, so
 * that change refreshes the list too. A string, so components re-render only when it changes.
 */
export function liveRunsKey(byChat: Record<string, LiveRunStatus | undefined>): string {
  return Object.entries(byChat)
    .filter(([, status]) => status)
    .map(([id, status]) => `${id}:${status?.status === "submitting" ? 0 : 1}`)
    .sort()
    .join(",");
}

/**
 * Keeps the history list fresh without polling hard: on mount and every route change, when a run in this tab
 * starts, is accepted or ends, when the tab becomes visible again, and every 15 s while a listed chat runs.
 */
export function useChatListFreshness(anyRunning: boolean) {
  const pathname = usePathname();
  const refresh = useChatListStore((state) => state.refresh);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new route is the reason to refresh
  useEffect(() => {
    void refresh();
  }, [pathname, refresh]);

  useEffect(
    () =>
      useRunStatusStore.subscribe((state, previous) => {
        if (liveRunsKey(state.byChat) !== liveRunsKey(previous.byChat)) void refresh();
      }),
    [refresh],
  );

  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState === "visible") void refresh();
    };
    document.addEventListener("visibilitychange", onVisible);
    return () => document.removeEventListener("visibilitychange", onVisible);
  }, [refresh]);

  useEffect(() => {
    if (!anyRunning) return;
    const timer = setInterval(() => {
      if (document.visibilityState === "visible") void refresh();
    }, RUNNING_REFRESH_MS);
    return () => clearInterval(timer);
  }, [anyRunning, refresh]);
}
