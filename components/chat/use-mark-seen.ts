"use client";

import { useEffect } from "react";
import { useChatListStore } from "@/lib/client/chat-list-store";

/**
 * While the chat is on screen with no run going (and the tab is visible), the server is told the person has
 * seen it: on open, when a run ends in front of them, and when they come back to the tab. The history list
 * marks a chat whose answer came while nobody looked, until then.
 */
export function useMarkSeen(chatId: string, { busy, exists }: { busy: boolean; exists: boolean }) {
  const markSeen = useChatListStore((state) => state.markSeen);
  useEffect(() => {
    if (busy || !exists) return;
    const mark = () => {
      if (document.visibilityState === "visible") void markSeen(chatId);
    };
    mark();
    document.addEventListener("visibilitychange", mark);
    return () => document.removeEventListener("visibilitychange", mark);
  }, [chatId, busy, exists, markSeen]);
}
