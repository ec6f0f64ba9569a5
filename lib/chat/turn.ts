import {
  createUIMessageStream,
  createUIMessageStreamResponse,
  generateId,
  type UIMessageStreamWriter,
} from "ai";
import {
  type BackgroundClient,
  type Clock,
  checkDecisions,
  createEchoFilter,
  type Decision,
  describeUpstreamError,
  noEcho,
  pollBackgroundResponse,
  type RunOutcome,
  submitBackgroundResponse,
  toUpstreamInput,
  unansweredFunctionCalls,
  userMessageItem,
} from "@/lib/background";
import type { ChatRecord, ChatStore, RunState, TurnAppend } from "@/lib/db/chat-store";
import { ApiError } from "@/lib/http/errors";
import type { ChatMessage } from "@/lib/shared/chat";
import type { UpstreamItem } from "@/lib/shared/upstream";
import { ToolCallTracker } from "@/lib/stream/item-parts";
import { streamRunToUI } from "@/lib/stream/run-stream";
import { executeFunctionCall, type ToolRegistry } from "@/lib/tools";

export interface TurnDeps {
  store: ChatStore;
  client: BackgroundClient;
  clock: Clock;
  model: string;
  instructions?: string;
  /** Sent on every create: hosted tools from the tools file plus the app's own function tools. */
  tools?: unknown[];
  /** The app's own function tools, run when the agent calls them. */
  registry: ToolRegistry;
  pollIntervalMs: number;
  echoesHistory: boolean;
}

export type TurnInput =
  | { kind: "message"; message: ChatMessage; text: string }
  | { kind: "approval"; decisions: Decision[] };

export interface TurnRequest {
  chatId: string;
  turn: TurnInput;
  /** Aborts when the browser goes away (or presses Stop): polling ends, the upstream run is left alone. */
  signal?: AbortSignal;
}

/** Background cycles one turn may chain (function outputs sent back); a runaway agent stops here. */
export const MAX_CYCLES_PER_TURN = 8;

/** Headers that keep proxies from buffering or transforming the event stream. */
const STREAM_HEADERS = { "Cache-Control": "no-cache, no-transform" };

/**
 * One chat turn: record the user's message (or the approval decisions), submit the conversation as a
 * background response, and stream the run to the browser as it is polled. When the agent calls one of the
 * app's function tools, run it and submit the next cycle in the same stream. Throws ApiError or
 * ChatBusyError, with nothing stored, when the turn is refused.
 */
export async function startChatTurn(deps: TurnDeps, request: TurnRequest): Promise<Response> {
  const { store } = deps;
  const { chatId, turn } = request;
  const existing = turn.kind === "approval" ? await store.getChat(chatId) : undefined;
  // An approval continues the assistant message that asked for it; a message starts a new one.
  const runId = turn.kind === "approval" ? lastAssistantMessageId(existing) : generateId();
  const chat = await store.beginTurn(chatId, runId, (current) => prepareTurn(current, turn), {
    create: turn.kind === "message",
  });
  let finalState: RunState = "running";

  const stream = createUIMessageStream<ChatMessage>({
    originalMessages: chat.messages,
    execute: async ({ writer }) => {
      writer.write({ type: "start", messageId: runId });
      const calls =
        turn.kind === "approval"
          ? ToolCallTracker.continuing(
              chat.messages.at(-1),
              turn.decisions.map((d) => d.approvalRequestId),
              deps.clock.now,
            )
          : new ToolCallTracker(deps.clock.now);
      if (turn.kind === "approval") writeDecisions(writer, turn.decisions);
      const outcome = await runCycles(deps, {
        chatId,
        runId,
        history: chat.history,
        writer,
        calls,
        signal: request.signal,
      });
      finalState = outcome?.status ?? "running";
      // A stream that ends without `finish` looks like a dropped connection to the browser.
      if (outcome)
        writer.write({ type: "finish", finishReason: outcome.status === "completed" ? "stop" : "other" });
    },
    onEnd: async ({ responseMessage }) => {
      await store.finishRun(chatId, runId, finalState, responseMessage);
    },
  });
  return createUIMessageStreamResponse({ stream, headers: STREAM_HEADERS });
}

function prepareTurn(chat: ChatRecord | undefined, turn: TurnInput): TurnAppend {
  if (turn.kind === "message") return { message: turn.message, items: [userMessageItem(turn.text)] };
  if (!chat) throw new ApiError("not_found", "There is no such chat.");
  const check = checkDecisions(chat.history, turn.decisions);
  if (!check.ok) throw new ApiError(check.code, check.message);
  return { items: check.responses };
}

function lastAssistantMessageId(chat: ChatRecord | undefined): string {
  if (!chat) throw new ApiError("not_found", "There is no such chat.");
  const message = chat.messages.at(-1);
  if (message?.role !== "assistant")
    throw new ApiError("conflict", "There is no approval request waiting in this chat.");
  return message.id;
}

/** Show the decisions on their cards at once; a denied tool will never produce output. */
function writeDecisions(writer: UIMessageStreamWriter<ChatMessage>, decisions: Decision[]) {
  for (const { approvalRequestId, approve, reason } of decisions) {
    writer.write({
      type: "tool-approval-response",
      approvalId: approvalRequestId,
      approved: approve,
      ...(reason ? { reason } : {}),
    });
    if (!approve) writer.write({ type: "tool-output-denied", toolCallId: approvalRequestId });
  }
}

interface CycleContext {
  chatId: string;
  runId: string;
  history: UpstreamItem[];
  writer: UIMessageStreamWriter<ChatMessage>;
  calls: ToolCallTracker;
  signal?: AbortSignal;
}

/** Submit, poll and stream background cycles until the agent stops calling the app's function tools. */
async function runCycles(deps: TurnDeps, ctx: CycleContext): Promise<RunOutcome | undefined> {
  const { store, client, clock } = deps;
  const { chatId, runId, writer, calls, signal } = ctx;
  const history = [...ctx.history];
  const clientTools = new Set<string>(deps.registry.names());
  const startedAt = clock.now();

  for (let cycle = 0; cycle < MAX_CYCLES_PER_TURN; cycle++) {
    writer.write({ type: "start-step" });
    const input = toUpstreamInput(history);
    let created: Awaited<ReturnType<typeof submitBackgroundResponse>>;
    try {
      writer.write({
        type: "data-run-status",
        id: "run-status",
        transient: true,
        data: { status: "submitting", elapsedMs: clock.now() - startedAt, polls: 0 },
      });
      created = await submitBackgroundResponse(client, {
        model: deps.model,
        input,
        instructions: deps.instructions,
        tools: deps.tools,
        signal,
      });
    } catch (err) {
      if (signal?.aborted) return undefined;
      const message = `The agent could not be started: ${describeUpstreamError(err).message}`;
      writer.write({ type: "data-run-outcome", id: "run-outcome", data: { status: "error", message } });
      return { status: "error", message };
    }
    await store.startRun(chatId, runId, { responseId: created.id, input });
    const produced: UpstreamItem[] = [];
    const outcome = await streamRunToUI(
      pollBackgroundResponse({
        client,
        clock,
        responseId: created.id,
        initial: created,
        echo: deps.echoesHistory ? createEchoFilter(input) : noEcho,
        intervalMs: deps.pollIntervalMs,
        startedAt,
        signal,
      }),
      {
        writer,
        clock,
        signal,
        calls,
        clientTools,
        onItemSent: async (item, cursor) => {
          produced.push(item);
          history.push(item);
          await store.recordItem(chatId, runId, item, cursor);
        },
      },
    );
    writer.write({ type: "finish-step" });
    if (outcome?.status !== "completed") return outcome;

    const pendingCalls = unansweredFunctionCalls(produced, history);
    if (pendingCalls.length === 0) return outcome;
    const outputs = await runFunctionCalls(deps.registry, pendingCalls, writer, calls, signal);
    history.push(...outputs);
    await store.appendHistory(chatId, runId, outputs);
    if (signal?.aborted) return undefined;
  }
  const message = `The agent kept calling tools; stopped after ${MAX_CYCLES_PER_TURN} rounds.`;
  writer.write({ type: "data-run-outcome", id: "run-outcome", data: { status: "error", message } });
  return { status: "error", message };
}

/** Quirk 5: the app's own function tools run here; an unknown or failing one answers with its error text. */
async function runFunctionCalls(
  registry: ToolRegistry,
  pending: UpstreamItem[],
  writer: UIMessageStreamWriter<ChatMessage>,
  calls: ToolCallTracker,
  signal?: AbortSignal,
): Promise<UpstreamItem[]> {
  const outputs: UpstreamItem[] = [];
  for (const call of pending) {
    const callId = call.call_id as string;
    const result = await executeFunctionCall(
      registry,
      { call_id: callId, name: String(call.name ?? ""), arguments: call.arguments },
      { signal },
    );
    for (const chunk of calls.output(
      callId,
      result.ok ? { output: result.output.output } : { errorText: result.output.output },
      "client",
    )) {
      writer.write(chunk);
    }
    outputs.push(result.output);
  }
  return outputs;
}
