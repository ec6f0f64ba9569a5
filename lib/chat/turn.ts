import { createUIMessageStream, createUIMessageStreamResponse, generateId } from "ai";
import {
  type BackgroundClient,
  type Clock,
  createEchoFilter,
  describeUpstreamError,
  noEcho,
  pollBackgroundResponse,
  submitBackgroundResponse,
  toUpstreamInput,
  userMessageItem,
} from "@/lib/background";
import type { ChatStore, RunState } from "@/lib/db/chat-store";
import type { ChatMessage } from "@/lib/shared/chat";
import { streamRunToUI } from "@/lib/stream/run-stream";

export interface TurnDeps {
  store: ChatStore;
  client: BackgroundClient;
  clock: Clock;
  model: string;
  instructions?: string;
  pollIntervalMs: number;
  echoesHistory: boolean;
}

export interface TurnRequest {
  chatId: string;
  message: ChatMessage;
  text: string;
  /** Aborts when the browser goes away (or presses Stop): polling ends, the upstream run is left alone. */
  signal?: AbortSignal;
}

/** Headers that keep proxies from buffering or transforming the event stream. */
const STREAM_HEADERS = { "Cache-Control": "no-cache, no-transform" };

/**
 * One chat turn: record the user's message, submit the conversation as a background response, and stream
 * the run to the browser as it is polled. Throws ChatBusyError (before anything is stored) while another run
 * in the chat is in progress.
 */
export async function startChatTurn(deps: TurnDeps, request: TurnRequest): Promise<Response> {
  const { store, client, clock } = deps;
  const { chatId, signal } = request;
  const assistantMessageId = generateId();
  const chat = await store.addUserTurn(
    chatId,
    request.message,
    userMessageItem(request.text),
    assistantMessageId,
  );
  const input = toUpstreamInput(chat.history);
  const startedAt = clock.now();
  // Until the run ends, the chat is busy; if the browser leaves first, the run is only detached.
  let finalState: RunState = "detached";

  const stream = createUIMessageStream<ChatMessage>({
    originalMessages: chat.messages,
    execute: async ({ writer }) => {
      writer.write({ type: "start", messageId: assistantMessageId });
      writer.write({
        type: "data-run-status",
        id: "run-status",
        transient: true,
        data: { status: "submitting", elapsedMs: 0, polls: 0 },
      });
      let created: Awaited<ReturnType<typeof submitBackgroundResponse>>;
      try {
        created = await submitBackgroundResponse(client, {
          model: deps.model,
          input,
          instructions: deps.instructions,
          signal,
        });
      } catch (err) {
        const { message } = describeUpstreamError(err);
        writer.write({
          type: "data-run-outcome",
          id: "run-outcome",
          data: { status: "error", message: `The agent could not be started: ${message}` },
        });
        writer.write({ type: "finish", finishReason: "error" });
        finalState = "error";
        return;
      }
      const responseId = created.id;
      await store.startRun(chatId, assistantMessageId, { responseId, input });
      const events = pollBackgroundResponse({
        client,
        clock,
        responseId,
        initial: created,
        echo: deps.echoesHistory ? createEchoFilter(input) : noEcho,
        intervalMs: deps.pollIntervalMs,
        startedAt,
        signal,
      });
      const outcome = await streamRunToUI(events, {
        writer,
        clock,
        signal,
        onItemSent: (item, cursor) => store.recordItem(chatId, assistantMessageId, item, cursor),
      });
      finalState = outcome?.status ?? "detached";
      // A stream that ends without `finish` looks like a dropped connection to the browser.
      if (outcome)
        writer.write({ type: "finish", finishReason: outcome.status === "completed" ? "stop" : "other" });
    },
    onEnd: async ({ responseMessage }) => {
      await store.finishRun(chatId, assistantMessageId, finalState, responseMessage);
    },
  });
  return createUIMessageStreamResponse({ stream, headers: STREAM_HEADERS });
}
