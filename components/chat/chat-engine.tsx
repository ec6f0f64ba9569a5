"use client";

import { type UseChatHelpers, useChat } from "@ai-sdk/react";
import { lastAssistantMessageIsCompleteWithApprovalResponses } from "ai";
import { useEffect, useLayoutEffect, useMemo } from "react";
import { createChatTransport } from "@/lib/client/transport";
import type { ChatMessage } from "@/lib/shared/chat";
import type { EngineOptions } from "./use-chat-engine";

/**
 * The chat's link to the server: the AI SDK's `useChat` and its transport (with the SDK and its schemas, ~300 kB
 * of script). Loaded on its own once the page is up (use-chat-engine.ts); renders nothing, and hands its state
 * and actions to the Chat whenever they change.
 */
export function ChatEngine({
  options,
  onChange,
  onReady,
}: {
  options: EngineOptions;
  onChange: (engine: UseChatHelpers<ChatMessage>) => void;
  /** Once the engine listens to its chat: what was asked of it before it had loaded can go now. */
  onReady: (engine: UseChatHelpers<ChatMessage>) => void;
}) {
  const transport = useMemo(() => createChatTransport(), []);
  const engine = useChat<ChatMessage>({
    ...options,
    transport,
    // At most one render per 50 ms while a run streams: a reveal sends a delta every 30 ms.
    throttle: 50,
    // Once every approval card of the last message has an answer, the decisions go to the server together.
    sendAutomaticallyWhen: lastAssistantMessageIsCompleteWithApprovalResponses,
  });
  const { messages, status, error } = engine;
  // Before the paint: the Chat shows what the engine has, never a frame behind. Only on a change of state, so
  // the Chat re-rendering this (it is its child) does not hand the same state over again.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the engine object is new on every render
  useLayoutEffect(() => onChange(engine), [messages, status, error]);
  // After useChat's own effects (declared before this one), which subscribe it to the chat's changes.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, when mounted
  useEffect(() => onReady(engine), []);
  return null;
}
