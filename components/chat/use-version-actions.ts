"use client";

import { useCallback } from "react";
import type { ChatMessage } from "@/lib/shared/chat";
import type { ChatEngineApi } from "./use-chat-engine";
import type { useVersions } from "./use-versions";

/**
 * Edit, regenerate and switch versions: each makes or shows another version from one message on, the earlier
 * ones a switch away. `beforeFork` runs before a new version is written (clear errors, follow the answer, and
 * remember to read the versions again when it ends).
 */
export function useVersionActions({
  engine: { messages, setMessages, sendMessage, regenerate },
  versions,
  beforeFork,
}: {
  engine: Pick<ChatEngineApi, "messages" | "setMessages" | "sendMessage" | "regenerate">;
  versions: ReturnType<typeof useVersions>;
  beforeFork: () => void;
}) {
  const { begin, positionOf, switchTo } = versions;

  /** The index of the message a new version starts from, its versions told so; -1 if it is gone. */
  const fork = useCallback(
    (messageId: string) => {
      const index = messages.findIndex((m: ChatMessage) => m.id === messageId);
      if (index < 0) return -1;
      beforeFork();
      begin(index, messageId);
      return index;
    },
    [messages, beforeFork, begin],
  );

  const onEdit = useCallback(
    (messageId: string, text: string) => {
      const index = fork(messageId);
      if (index < 0) return;
      setMessages(messages.slice(0, index));
      void sendMessage({ text }, { body: { edit: messageId } });
    },
    [fork, messages, setMessages, sendMessage],
  );

  const onRegenerate = useCallback(
    (messageId: string) => {
      if (fork(messageId) < 0) return;
      void regenerate({ messageId });
    },
    [fork, regenerate],
  );

  const onSwitchVersion = useCallback(
    (messageId: string, version: number) => {
      const index = messages.findIndex((m: ChatMessage) => m.id === messageId);
      const message = messages[index];
      if (!message) return;
      const current = positionOf(message, index)?.current ?? 1;
      void switchTo(messageId, version, index, version < current ? "Previous version" : "Next version");
    },
    [messages, positionOf, switchTo],
  );

  return { onEdit, onRegenerate, onSwitchVersion };
}
