"use client";

import { useEffect, useRef, useState } from "react";
import { readableError } from "@/lib/client/readable-error";
import { type ChatMessage, type RunOutcomeData, STOPPED_NOTICE, withRunOutcome } from "@/lib/shared/chat";
import type { ChatEngineApi } from "./use-chat-engine";

/** A stream dropped more often than this within `RECONNECT_WINDOW_MS` is not reconnected again. */
const MAX_RECONNECTS = 5;
const RECONNECT_WINDOW_MS = 30_000;

/**
 * What keeps a run going and ends it from the page: reconnecting a stream that handed over or dropped, Stop (the
 * button and Esc), and whether the run counts as busy meanwhile.
 */
export function useRunControl({
  chatId,
  engine: { status, resumeStream, stop, setMessages },
}: {
  chatId: string;
  engine: Pick<ChatEngineApi, "status" | "resumeStream" | "stop" | "setMessages">;
}) {
  const [stopError, setStopError] = useState<string | null>(null);
  // Reconnects under way: between a handed-over stream's end and the next one's start the run is still going,
  // so Stop stays (and Send stays away). A count, because a resumed stream can hand over again before the
  // reconnect that started it has settled.
  const [reconnecting, setReconnecting] = useState(0);
  const busy = status === "submitted" || status === "streaming" || reconnecting > 0;

  // Reconnect at once, but give up (and say so) if the server keeps dropping us without progress.
  const reconnects = useRef<number[]>([]);
  const reconnect = () => {
    const now = Date.now();
    reconnects.current = [...reconnects.current.filter((t) => now - t < RECONNECT_WINDOW_MS), now];
    if (reconnects.current.length > MAX_RECONNECTS) {
      setStopError("The connection to the run keeps dropping. Reload the page to try again.");
      return;
    }
    setReconnecting((n) => n + 1);
    void resumeStream().finally(() => setReconnecting((n) => n - 1));
  };

  /** Stop cancels the run upstream; the stream then ends by itself with a "stopped" note. */
  const onStop = async () => {
    setStopError(null);
    try {
      const response = await fetch(`/api/chat/${chatId}/cancel`, { method: "POST" });
      if (!response.ok) throw new Error(readableError(new Error(await response.text())));
      const { notice = STOPPED_NOTICE } = (await response.json().catch(() => ({}))) as {
        notice?: RunOutcomeData;
      };
      // The note normally comes with the stream's end. Stop between a hand-over and its reconnect has no stream
      // to bring it, so it is set here too (the stream's own note, if one comes, replaces it: same part id).
      setMessages((current: ChatMessage[]) => {
        const last = current.at(-1);
        if (last?.role !== "assistant") return current;
        return [...current.slice(0, -1), withRunOutcome(last, notice)];
      });
    } catch (err) {
      void stop();
      setStopError(`Could not stop the run upstream: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  useStopOnEscape(busy, onStop);

  return { busy, reconnecting: reconnecting > 0, reconnect, onStop, stopError, setStopError };
}

/** Esc stops the run from anywhere on the page, unless a dialog is open (then Esc closes the dialog). */
function useStopOnEscape(busy: boolean, onStop: () => Promise<void>) {
  const latest = useRef(onStop);
  latest.current = onStop;
  useEffect(() => {
    if (!busy) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented || event.isComposing) return;
      if (document.querySelector("dialog[open]")) return;
      event.preventDefault();
      void latest.current();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [busy]);
}
