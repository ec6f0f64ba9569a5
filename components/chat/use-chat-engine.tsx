"use client";

import type { UseChatHelpers } from "@ai-sdk/react";
import type { ChatInit } from "ai";
import { type ComponentType, type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ChatMessage } from "@/lib/shared/chat";

export type ChatEngineApi = UseChatHelpers<ChatMessage>;
export type EngineOptions = Pick<ChatInit<ChatMessage>, "onData" | "onFinish" | "onError"> & {
  id: string;
  messages: ChatMessage[];
  resume: boolean;
};
type EngineHost = ComponentType<{
  options: EngineOptions;
  onChange: (engine: ChatEngineApi) => void;
  onReady: (engine: ChatEngineApi) => void;
}>;

type Deferred = (engine: ChatEngineApi) => void;

/** The question `sendMessage({ text })` will send, as the chat shows it meanwhile. */
function questionOf(message: unknown): ChatMessage {
  const text = (message as { text?: unknown } | undefined)?.text;
  return {
    id: "waiting-for-the-engine",
    role: "user",
    parts: typeof text === "string" ? [{ type: "text", text }] : [],
  };
}

/**
 * `useChat`, loaded after the page is interactive instead of before it: the AI SDK is a third of a new chat's
 * script, and nothing needs it to render a chat or to type. Until it has loaded (a few hundred ms after the page
 * hydrates) the chat shows its messages as the server sent them, and what is asked of it (a question sent right
 * away, by Enter or by the early-input script) waits and goes as soon as it is there; a question waiting shows
 * in the chat at once, as submitted. Returns the engine, and the element that runs it (render it anywhere in
 * the chat).
 */
export function useChatEngine(options: EngineOptions): { engine: ChatEngineApi; host: ReactNode } {
  const [Host, setHost] = useState<EngineHost | null>(null);
  const [live, setLive] = useState<ChatEngineApi | null>(null);
  /** A question sent before the engine loaded: shown at once, sent (and shown by the engine) once it has. */
  const [waitingToSend, setWaitingToSend] = useState<ChatMessage | null>(null);
  const waiting = useRef<Deferred[]>([]);

  useEffect(() => {
    let mounted = true;
    void import("./chat-engine").then((module) => {
      if (mounted) setHost(() => module.ChatEngine);
    });
    return () => {
      mounted = false;
    };
  }, []);

  const onReady = useCallback((engine: ChatEngineApi) => {
    const deferred = waiting.current;
    waiting.current = [];
    for (const run of deferred) run(engine);
  }, []);

  const { id, messages: initialMessages } = options;
  const before = useMemo((): ChatEngineApi => {
    const later =
      <K extends keyof ChatEngineApi>(key: K, sends = false) =>
      (...args: unknown[]) =>
        new Promise((resolve, reject) => {
          if (sends) setWaitingToSend(questionOf(args[0]));
          waiting.current.push((engine) => {
            const action = engine[key] as (...actionArgs: unknown[]) => unknown;
            Promise.resolve(action(...args)).then(resolve, reject);
          });
        });
    return {
      id,
      messages: initialMessages,
      status: "ready",
      error: undefined,
      setMessages: later("setMessages"),
      sendMessage: later("sendMessage", true),
      regenerate: later("regenerate", true),
      resumeStream: later("resumeStream"),
      addToolApprovalResponse: later("addToolApprovalResponse"),
      addToolResult: later("addToolResult"),
      addToolOutput: later("addToolOutput"),
      stop: later("stop"),
      // Nothing to clear before there is an engine to have failed.
      clearError: () => {},
      experimental_queuedMessages: [],
      experimental_removeQueuedMessage: later("experimental_removeQueuedMessage"),
      experimental_sendQueuedMessageNow: later("experimental_sendQueuedMessageNow"),
    } as ChatEngineApi;
  }, [id, initialMessages]);

  // The engine takes over once it has sent what was waiting: until then it still says "ready", without the
  // question, and the chat would blink.
  const sent = live !== null && !(waitingToSend && live.status === "ready");
  useEffect(() => {
    if (sent && waitingToSend) setWaitingToSend(null);
  }, [sent, waitingToSend]);
  const engine =
    live && sent
      ? live
      : waitingToSend
        ? { ...before, messages: [...before.messages, waitingToSend], status: "submitted" as const }
        : before;
  const host = Host && <Host options={options} onChange={setLive} onReady={onReady} />;
  return { engine, host };
}
