"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { readableError } from "@/lib/client/readable-error";
import { currentAnswer } from "@/lib/client/run-progress";
import { useRunStatusStore } from "@/lib/client/run-status-store";
import {
  type ChatMessage,
  type MessageVersions,
  type RunOutcomeData,
  STOPPED_NOTICE,
  withRunOutcome,
} from "@/lib/shared/chat";
import type { DecideFn } from "./approval-card";
import { Composer } from "./composer";
import { preloadMarkdown } from "./deferred-markdown";
import { EXAMPLE_PROMPTS } from "./example-prompts";
import { useFollowBottom } from "./follow-bottom";
import { MessageView } from "./message-view";
import { EarlierMessages, ScrollToEnd, useMessageWindow } from "./message-window";
import { RunStatus } from "./run-status";
import { useChatEngine } from "./use-chat-engine";
import { useVersions } from "./use-versions";

interface ChatProps {
  chatId: string;
  initialMessages: ChatMessage[];
  /** Which version the messages with versions show (edited questions, regenerated answers). */
  initialVersions?: MessageVersions;
  /** A chat that has no URL of its own yet (the "/" page). */
  isNew?: boolean;
  /** The answers come from the embedded emulator: the start page says so. */
  onEmulator?: boolean;
}

export function Chat({
  chatId,
  initialMessages,
  initialVersions = {},
  isNew = false,
  onEmulator = false,
}: ChatProps) {
  const beginRun = useRunStatusStore((state) => state.begin);
  const updateRun = useRunStatusStore((state) => state.update);
  const clearRun = useRunStatusStore((state) => state.clear);

  const reconnect = useRef<() => void>(() => {});
  /** An edit or regenerate is running: once it ends, the versions are read again from the server. */
  const forked = useRef(false);
  const [stopError, setStopError] = useState<string | null>(null);

  const {
    engine: {
      messages,
      setMessages,
      sendMessage,
      stop,
      status,
      error,
      clearError,
      addToolApprovalResponse,
      resumeStream,
      regenerate,
    },
    host: engineHost,
  } = useChatEngine({
    id: chatId,
    messages: initialMessages,
    // On open, pick up a run still in progress (after a reload, a restart, or a closed tab).
    resume: !isNew,
    onData: (part) => {
      if (part.type === "data-run-status") updateRun(chatId, part.data);
    },
    onFinish: ({ isAbort, isDisconnect, finishReason }) => {
      clearRun(chatId);
      if (forked.current) {
        forked.current = false;
        void versions.reload(false);
      }
      // A stream that ended without `finish` handed over (time budget) or dropped: continue in a new one.
      if (!isAbort && (isDisconnect || finishReason === undefined)) reconnect.current();
    },
    onError: () => {
      clearRun(chatId);
      // A refused edit or regenerate changed nothing on the server: show the chat as it still is.
      if (forked.current) {
        forked.current = false;
        void versions.reload(true);
      }
    },
  });
  const versions = useVersions({ chatId, initial: initialVersions, setMessages });

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

  // Edit and regenerate make a new version from a message on; the earlier ones stay a switch away.
  const beginVersion = useCallback(
    (messageId: string) => {
      const index = messages.findIndex((m) => m.id === messageId);
      if (index < 0) return -1;
      clearError();
      setStopError(null);
      follow();
      forked.current = true;
      return index;
    },
    [messages, clearError, follow],
  );

  const onEdit = useCallback(
    (messageId: string, text: string) => {
      const index = beginVersion(messageId);
      if (index < 0) return;
      versions.begin(index, messageId);
      setMessages(messages.slice(0, index));
      void sendMessage({ text }, { body: { edit: messageId } });
    },
    [beginVersion, versions.begin, messages, setMessages, sendMessage],
  );

  const onRegenerate = useCallback(
    (messageId: string) => {
      const index = beginVersion(messageId);
      if (index < 0) return;
      versions.begin(index, messageId);
      void regenerate({ messageId });
    },
    [beginVersion, versions.begin, regenerate],
  );

  const onSwitchVersion = useCallback(
    (messageId: string, version: number) => {
      const index = messages.findIndex((m) => m.id === messageId);
      const message = messages[index];
      if (!message) return;
      const current = versions.positionOf(message, index)?.current ?? 1;
      void versions.switchTo(
        messageId,
        version,
        index,
        version < current ? "Previous version" : "Next version",
      );
    },
    [messages, versions.positionOf, versions.switchTo],
  );

  const shown = useMessageWindow(messages.length);

  const onSend = (text: string) => {
    // The answer will need markdown: its code loads while the agent works (a new chat does not load it).
    preloadMarkdown();
    // Whoever sends wants to see the answer come in.
    follow();
    clearError();
    setStopError(null);
    if (isNew && window.location.pathname !== `/chat/${chatId}`) {
      window.history.replaceState(null, "", `/chat/${chatId}`);
    }
    void sendMessage({ text });
  };

  const renderMessage = (message: ChatMessage, index: number) => (
    <MessageView
      key={message.id}
      message={message}
      onDecide={onDecide}
      onRetry={!busy && index === messages.length - 1 ? onRetry : undefined}
      versions={versions.positionOf(message, index)}
      onSwitchVersion={busy ? undefined : onSwitchVersion}
      onEdit={busy ? undefined : onEdit}
      onRegenerate={busy ? undefined : onRegenerate}
      running={busy && index === messages.length - 1}
    />
  );

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      {/* Positioned, so visually hidden (absolute) labels inside stay inside it instead of stretching the page. */}
      <div
        ref={scrollerRef}
        tabIndex={-1}
        className="relative min-h-0 flex-1 overflow-y-auto focus:outline-none"
      >
        <div ref={contentRef} className="mx-auto flex max-w-3xl flex-col gap-6 px-4 py-6" aria-live="off">
          {messages.length === 0 ? (
            <EmptyState onPick={onSend} onEmulator={onEmulator} />
          ) : (
            <h1 className="sr-only">Conversation</h1>
          )}
          {shown.split > shown.from && (
            <EarlierMessages count={shown.split - shown.from}>
              {messages
                .slice(shown.from, shown.split)
                .map((message, offset) => renderMessage(message, shown.from + offset))}
            </EarlierMessages>
          )}
          {messages
            .slice(Math.max(shown.from, shown.split))
            .map((message, offset) => renderMessage(message, Math.max(shown.from, shown.split) + offset))}
          <p className="sr-only" aria-live="polite">
            {versions.announcement}
          </p>
          {versions.error && (
            <div
              role="alert"
              className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
            >
              {versions.error}
            </div>
          )}
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
      </div>
      {initialMessages.length > 0 && <ScrollToEnd />}
      {engineHost}
      <div className="mx-auto w-full max-w-3xl">
        {showJump && (
          <JumpToLatest
            onClick={() => {
              follow();
              // The button goes away: keep the keyboard in the conversation (arrow keys scroll it from there).
              scrollerRef.current?.focus({ preventScroll: true });
            }}
          />
        )}
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

/**
 * Shown while the reader is scrolled up: back to the newest message, following it again from there. In a row of
 * its own under the conversation rather than floating over it, where it hid table cells and links.
 */
function JumpToLatest({ onClick }: { onClick: () => void }) {
  return (
    <div className="flex justify-center pt-2">
      <button
        type="button"
        onClick={onClick}
        className="flex items-center gap-1 rounded-full border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 shadow-md hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-100 dark:hover:bg-zinc-700"
      >
        <span aria-hidden>↓</span>
        Jump to latest
      </button>
    </div>
  );
}

/** A new chat: what the app is for, and example prompts (one per kind of run) that send themselves. */
function EmptyState({ onPick, onEmulator }: { onPick: (prompt: string) => void; onEmulator: boolean }) {
  return (
    <div className="py-12 text-center text-zinc-600 dark:text-zinc-400">
      <h1 className="text-xl font-semibold text-zinc-900 dark:text-zinc-100">
        What should the agent work on?
      </h1>
      <p className="mt-2 text-sm">
        Runs go on in the background, so long multi-tool tasks finish even if a connection drops.
      </p>
      {onEmulator && (
        <p
          className="mx-auto mt-4 max-w-xl rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
          data-emulator-notice
        >
          <strong className="font-semibold">Demo mode:</strong> answers come from the built-in emulator of the
          Databricks Supervisor API, scripted from the words of your question. Connect your own agent with{" "}
          <code className="font-mono text-xs">SUPERVISOR_PROVIDER</code> and its credentials (see the README).
        </p>
      )}
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
