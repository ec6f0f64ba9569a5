"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { readableError, refusedBeforeStoring } from "@/lib/client/readable-error";
import { currentAnswer } from "@/lib/client/run-progress";
import { useRunStatusStore } from "@/lib/client/run-status-store";
import type { ChatMessage, MessageVersions } from "@/lib/shared/chat";
import type { DecideFn } from "./approval-card";
import { ChatAlerts } from "./chat-alerts";
import { Composer } from "./composer";
import { preloadMarkdown } from "./deferred-markdown";
import { EmptyState } from "./empty-state";
import { useFollowBottom } from "./follow-bottom";
import { JumpToLatest } from "./jump-to-latest";
import { MessageView } from "./message-view";
import { EarlierMessages, LaidOutWhenSeen, ScrollToEnd, useMessageWindow } from "./message-window";
import { RunStatus } from "./run-status";
import { useChatEngine } from "./use-chat-engine";
import { useMarkSeen } from "./use-mark-seen";
import { useRunControl } from "./use-run-control";
import { useVersionActions } from "./use-version-actions";
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
  /** A question the server refused without storing it (busy, over a limit): back in the box, to send later. */
  const [handedBack, setHandedBack] = useState<{ text: string } | null>(null);
  const handBack = useRef<() => void>(() => {});

  const { engine, host: engineHost } = useChatEngine({
    id: chatId,
    messages: initialMessages,
    // On open, pick up a run still in progress (after a reload, a restart, or a closed tab).
    resume: !isNew,
    onData: (part) => {
      if (part.type === "data-run-status") updateRun(chatId, part.data);
    },
    onFinish: ({ isAbort, isDisconnect, isError, finishReason }) => {
      clearRun(chatId);
      if (forked.current) {
        forked.current = false;
        void versions.reload(false);
      }
      // A stream that ended without `finish` handed over (time budget) or dropped: continue in a new one. Not
      // one the server answered with an error (a refused question, 4xx): there is no run to continue, and a
      // reconnect's "There is no such chat" would take the refusal's place.
      if (!isAbort && (isDisconnect || (!isError && finishReason === undefined))) reconnect.current();
    },
    onError: (error) => {
      clearRun(chatId);
      // A refused edit or regenerate changed nothing on the server: show the chat as it still is.
      if (forked.current) {
        forked.current = false;
        void versions.reload(true);
      } else if (refusedBeforeStoring(error)) handBack.current();
    },
  });
  const { messages, setMessages, sendMessage, status, error, clearError, addToolApprovalResponse } = engine;
  handBack.current = () => {
    const sent = messages.at(-1);
    if (sent?.role !== "user") return;
    setMessages(messages.slice(0, -1));
    setHandedBack({ text: sent.parts.map((part) => (part.type === "text" ? part.text : "")).join("") });
    // A new chat the server never made has no address of its own.
    if (isNew && messages.length === 1) window.history.replaceState(null, "", "/");
  };
  const versions = useVersions({ chatId, initial: initialVersions, setMessages });
  const { busy, reconnecting, onStop, stopError, setStopError, ...control } = useRunControl({
    chatId,
    engine,
  });
  reconnect.current = control.reconnect;
  // A new chat exists on the server once its first question is in.
  useMarkSeen(chatId, { busy, exists: messages.length > 0 });

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
  }, [sendMessage, clearError, setStopError]);

  const { scrollerRef, contentRef, showJump, follow } = useFollowBottom();

  const beforeFork = useCallback(() => {
    clearError();
    setStopError(null);
    follow();
    forked.current = true;
  }, [clearError, setStopError, follow]);
  const { onEdit, onRegenerate, onSwitchVersion } = useVersionActions({ engine, versions, beforeFork });

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
          {messages.slice(Math.max(shown.from, shown.split)).map((message, offset) => {
            const index = Math.max(shown.from, shown.split) + offset;
            return index < shown.laidOutFrom ? (
              <LaidOutWhenSeen key={message.id}>{renderMessage(message, index)}</LaidOutWhenSeen>
            ) : (
              renderMessage(message, index)
            );
          })}
          <p className="sr-only" aria-live="polite">
            {versions.announcement}
          </p>
          <ChatAlerts versionError={versions.error} stopError={stopError} requestError={error} />
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
          reconnecting={reconnecting}
          answer={currentAnswer(messages)}
          requestError={error ? readableError(error) : undefined}
        />
        <Composer busy={busy} onSend={onSend} onStop={() => void onStop()} handedBack={handedBack} />
      </div>
    </div>
  );
}
