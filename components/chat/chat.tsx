"use client";

import { useChat } from "@ai-sdk/react";
import { lastAssistantMessageIsCompleteWithApprovalResponses } from "ai";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { currentAnswer } from "@/lib/client/run-progress";
import { useRunStatusStore } from "@/lib/client/run-status-store";
import { createChatTransport, readableError } from "@/lib/client/transport";
import { type ChatMessage, type RunOutcomeData, STOPPED_NOTICE, withRunOutcome } from "@/lib/shared/chat";
import type { DecideFn } from "./approval-card";
import { Composer } from "./composer";
import { EXAMPLE_PROMPTS } from "./example-prompts";
import { useFollowBottom } from "./follow-bottom";
import { MessageView } from "./message-view";
import { RunStatus } from "./run-status";

interface ChatProps {
  chatId: string;
  initialMessages: ChatMessage[];
  /** A chat that has no URL of its own yet (the "/" page). */
  isNew?: boolean;
}

export function Chat({ chatId, initialMessages, isNew = false }: ChatProps) {
  const transport = useMemo(() => createChatTransport(), []);
  const beginRun = useRunStatusStore((state) => state.begin);
  const updateRun = useRunStatusStore((state) => state.update);
  const clearRun = useRunStatusStore((state) => state.clear);

  const reconnect = useRef<() => void>(() => {});
  const [stopError, setStopError] = useState<string | null>(null);

  const {
    messages,
    setMessages,
    sendMessage,
    stop,
    status,
    error,
    clearError,
    addToolApprovalResponse,
    resumeStream,
  } = useChat<ChatMessage>({
    id: chatId,
    messages: initialMessages,
    transport,
    // At most one render per 50 ms while a run streams: a reveal sends a delta every 30 ms.
    throttle: 50,
    // On open, pick up a run still in progress (after a reload, a restart, or a closed tab).
    resume: !isNew,
    // Once every approval card of the last message has an answer, the decisions go to the server together.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
    onData: (part) => {
      if (part.type === "data-run-status") updateRun(chatId, part.data);
    },
    onFinish: ({ isAbort, isDisconnect, finishReason }) => {
      clearRun(chatId);
      // A stream that ended without `finish` handed over (time budget) or dropped: continue in a new one.
      if (!isAbort && (isDisconnect || finishReason === undefined)) reconnect.current();
    },
    onError: () => clearRun(chatId),
  });

  // Reconnects under way: between a handed-over stream's end and the next one's start the run is still going,
  // so Stop stays (and Send stays away). A count, because a resumed stream can hand over again before the
  // reconnect that started it has settled.
  const [reconnecting, setReconnecting] = useState(0);
  const busy = status === "submitted" || status === "streaming" || reconnecting > 0;

  // Reconnect at once, but give up (and say so) if the server keeps dropping us without progress.
  const reconnects = useRef<number[]>([]);
  reconnect.current = () => {
    const now = Date.now();
    reconnects.current = [...reconnects.current.filter((t) => now - t < 30_000), now];
    if (reconnects.current.length > 5) {
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
      setMessages((current) => {
        const last = current.at(-1);
        if (last?.role !== "assistant") return current;
        return [...current.slice(0, -1), withRunOutcome(last, notice)];
      });
    } catch (err) {
      void stop();
      setStopError(`Could not stop the run upstream: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  // Esc stops the run from anywhere on the page, unless a dialog is open (then Esc closes the dialog).
  const stopOnEscape = useRef(onStop);
  stopOnEscape.current = onStop;
  useEffect(() => {
    if (!busy) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented || event.isComposing) return;
      if (document.querySelector("dialog[open]")) return;
      event.preventDefault();
      void stopOnEscape.current();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [busy]);

  // Every request (a message, or approvals sent automatically) shows its status at once.
  useEffect(() => {
    if (status === "submitted") beginRun(chatId);
  }, [status, chatId, beginRun]);

  const onDecide = useCallback<DecideFn>(
    (approvalId, approved, reason) => {
      clearError();
      void addToolApprovalResponse({ id: approvalId, approved, ...(reason ? { reason } : {}) });
    },
    [addToolApprovalResponse, clearError],
  );

  const onRetry = useCallback(() => {
    clearError();
    setStopError(null);
    void sendMessage(undefined, { body: { retry: true } });
  }, [sendMessage, clearError]);

  const { scrollerRef, contentRef, showJump, follow } = useFollowBottom();

  const onSend = (text: string) => {
    // Whoever sends wants to see the answer come in.
    follow();
    clearError();
    setStopError(null);
    if (isNew && window.location.pathname !== `/chat/${chatId}`) {
      window.history.replaceState(null, "", `/chat/${chatId}`);
    }
    void sendMessage({ text });
  };

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      {/* Positioned, so visually hidden (absolute) labels inside stay inside it instead of stretching the page. */}
      <div
        ref={scrollerRef}
        tabIndex={-1}
        className="relative min-h-0 flex-1 overflow-y-auto focus:outline-none"
      >
        <div ref={contentRef} className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-6" aria-live="off">
          {messages.length === 0 ? <EmptyState onPick={onSend} /> : <h1 className="sr-only">Conversation</h1>}
          {messages.map((message, index) => (
            <MessageView
              key={message.id}
              message={message}
              onDecide={onDecide}
              onRetry={!busy && index === messages.length - 1 ? onRetry : undefined}
              running={busy && index === messages.length - 1}
            />
          ))}
          {stopError && (
            <div
              role="alert"
              className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
            >
              {stopError}
            </div>
          )}
          {error && (
            <div
              role="alert"
              className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200"
            >
              {readableError(error)}
            </div>
          )}
        </div>
        {showJump && (
          <JumpToLatest
            onClick={() => {
              follow();
              // The button goes away: keep the keyboard in the conversation (arrow keys scroll it from there).
              scrollerRef.current?.focus({ preventScroll: true });
            }}
          />
        )}
      </div>
      <div className="mx-auto w-full max-w-3xl">
        <RunStatus
          chatId={chatId}
          busy={busy}
          reconnecting={reconnecting > 0}
          answer={currentAnswer(messages)}
          requestError={error ? readableError(error) : undefined}
        />
        <Composer busy={busy} onSend={onSend} onStop={() => void onStop()} />
      </div>
    </div>
  );
}

/** Shown while the reader is scrolled up: back to the newest message, following it again from there. */
function JumpToLatest({ onClick }: { onClick: () => void }) {
  // Sticky at the end of the scrolling pane: it stays at the pane's bottom edge while the reader is further up.
  return (
    <div className="pointer-events-none sticky bottom-3 flex justify-center">
      <button
        type="button"
        onClick={onClick}
        className="pointer-events-auto flex items-center gap-1 rounded-full border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 shadow-md hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-100 dark:hover:bg-zinc-700"
      >
        <span aria-hidden>↓</span>
        Jump to latest
      </button>
    </div>
  );
}

/** A new chat: what the app is for, and example prompts (one per kind of run) that send themselves. */
function EmptyState({ onPick }: { onPick: (prompt: string) => void }) {
  return (
    <div className="py-12 text-center text-zinc-600 dark:text-zinc-400">
      <h1 className="text-xl font-semibold text-zinc-900 dark:text-zinc-100">
        What should the agent work on?
      </h1>
      <p className="mt-2 text-sm">
        Runs go on in the background, so long multi-tool tasks finish even if a connection drops.
      </p>
      <h2 className="sr-only">Examples</h2>
      <ul className="mt-8 grid gap-3 text-left sm:grid-cols-2">
        {EXAMPLE_PROMPTS.map(({ label, prompt }) => (
          <li key={prompt}>
            <button
              type="button"
              onClick={() => onPick(prompt)}
              className="h-full w-full rounded-lg border border-zinc-200 bg-white px-4 py-3 text-left hover:border-zinc-300 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:border-zinc-600 dark:hover:bg-zinc-800"
            >
              <span className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">{label}</span>
              <span className="mt-1 block text-sm text-zinc-900 dark:text-zinc-100">{prompt}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
