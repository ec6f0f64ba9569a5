"use client";

import { useCallback, useState } from "react";
import { readableError } from "@/lib/client/readable-error";
import type { ChatMessage, MessageVersions } from "@/lib/shared/chat";
import type { VersionPosition } from "./version-switcher";

interface VersionsAnswer {
  messages: ChatMessage[];
  versions: MessageVersions;
}

/**
 * The versions of the chat's messages (edit and resend, regenerate) as the server keeps them: shown from the
 * page's first render, switched through `POST /api/chat/{id}/versions`, and read again after an edit or a
 * regenerate (whose new message the server names). Until then the new version is shown at its place.
 */
export function useVersions({
  chatId,
  initial,
  setMessages,
}: {
  chatId: string;
  initial: MessageVersions;
  setMessages: (messages: ChatMessage[]) => void;
}) {
  const [versions, setVersions] = useState(initial);
  /** A version being written: the message at `index` is its newest (and its id is not known yet). */
  const [pending, setPending] = useState<{ index: number; position: VersionPosition } | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Said to screen readers after a switch (the message, and so its switcher, is replaced). */
  const [announcement, setAnnouncement] = useState("");

  const request = useCallback(
    async (init?: RequestInit): Promise<VersionsAnswer> => {
      const response = await fetch(`/api/chat/${encodeURIComponent(chatId)}/versions`, init);
      if (!response.ok) throw new Error(readableError(new Error(await response.text())));
      return (await response.json()) as VersionsAnswer;
    },
    [chatId],
  );

  /** Before an edit or regenerate of the message at `index` (`messageId`): one more version, shown there. */
  const begin = useCallback(
    (index: number, messageId: string) => {
      const count = (versions[messageId]?.count ?? 1) + 1;
      setPending({ index, position: { current: count, count } });
      setError(null);
    },
    [versions],
  );

  /** After the edit or regenerate's run (or its refusal): the transcript and versions as the server has them. */
  const reload = useCallback(
    async (withMessages: boolean) => {
      try {
        const answer = await request();
        if (withMessages) setMessages(answer.messages);
        setVersions(answer.versions);
      } catch (err) {
        setError(`Could not read the message versions: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        setPending(null);
      }
    },
    [request, setMessages],
  );

  const switchTo = useCallback(
    async (
      messageId: string,
      version: number,
      index: number,
      pressed: "Previous version" | "Next version",
    ) => {
      setError(null);
      try {
        const answer = await request({
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ messageId, version }),
        });
        setMessages(answer.messages);
        setVersions(answer.versions);
        const shown = answer.messages[index];
        const position = shown ? answer.versions[shown.id] : undefined;
        if (shown && position) {
          setAnnouncement(`Showing version ${position.current} of ${position.count}.`);
          keepFocus(shown.id, pressed, position);
        }
      } catch (err) {
        setError(`Could not switch versions: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    [request, setMessages],
  );

  /** The version position of the message at `index`, including one being written. */
  const positionOf = (message: ChatMessage, index: number): VersionPosition | undefined =>
    pending?.index === index ? pending.position : versions[message.id];

  return { positionOf, begin, reload, switchTo, error, announcement };
}

/**
 * The switched-to version is another message: put the focus back on its switcher, on the button pressed (or,
 * at an end, the other one), so the keyboard stays where it was.
 */
function keepFocus(messageId: string, pressed: string, position: VersionPosition) {
  const atEnd = pressed === "Previous version" ? position.current <= 1 : position.current >= position.count;
  const label = atEnd ? (pressed === "Previous version" ? "Next version" : "Previous version") : pressed;
  // The new message renders a frame or a few later (message updates are throttled): look until it is there.
  let frames = 0;
  const look = () => {
    const switcher = document.querySelector(`[data-version-switcher="${CSS.escape(messageId)}"]`);
    const button = switcher?.querySelector<HTMLButtonElement>(`button[aria-label="${label}"]`);
    if (button) button.focus();
    else if (++frames < 60) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}
