import {
  type BackgroundClient,
  type Clock,
  type ConversationRef,
  createEchoFilter,
  describeUpstreamError,
  type ExtraLookAllowance,
  noEcho,
  pollBackgroundResponse,
  type RunOutcome,
  type StartedRun,
  type SubmitRequest,
  startBackgroundRun,
  startIdempotentRun,
  streamBackgroundResponse,
  streamsRuns,
  toUpstreamInput,
  type UpstreamEventStream,
} from "@/lib/background";
import type { ChatStore } from "@/lib/db/chat-store";
import type { TurnSettings } from "@/lib/shared/chat";
import { stoppedNotice } from "@/lib/shared/chat";
import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import { streamRunToUI } from "@/lib/stream/run-stream";
import type { RunView } from "@/lib/stream/run-view";
import { executeFunctionCall, type ToolRegistry } from "@/lib/tools";
import { claimOrFollowNextCycle, type ResumePoint } from "./next-cycle";

import type { UsageTally } from "./usage-tally";

export interface CycleDeps {
  store: ChatStore;
  client: BackgroundClient;
  clock: Clock;
  model: string;
  instructions?: string;
  /** Sent on every create: hosted tools from the tools file plus the app's own function tools. */
  tools?: unknown[];
  /** The app's own function tools, run when the agent calls them. */
  registry: ToolRegistry;
  /** The server's steady poll interval (SUPERVISOR_POLL_INTERVAL_MS). */
  pollIntervalMs: number;
  /** The process's share of looks between the steady ones, for every run it follows. */
  lookAllowance?: ExtraLookAllowance;
  /**
   * The person's choices for this turn, validated by the route: their poll interval replaces the server's for
   * the upstream retrieves only (the stored-run watch and a followed cycle keep the server's, so Stop from
   * another instance is not slowed down by a 30 s choice), their reveal speed paces the answer.
   */
  settings?: TurnSettings;
  echoesHistory: boolean;
  /** Tracing pass-through, when on: extra body fields and headers for each create of a run. */
  traceFields?: (ids: { chatId: string; runId: string }) => {
    extra: Record<string, unknown>;
    headers: Record<string, string>;
  };
}

/** An upstream response already under way: continue polling it instead of creating one. */
export interface CycleContext {
  chatId: string;
  runId: string;
  /** The chat's upstream history as stored; grows as the run produces items. */
  history: UpstreamItem[];
  /** Where the run is shown: the one adapter to the browser's stream (lib/stream/run-view.ts). */
  view: RunView;
  /** Ends polling: the browser left, the stream's time budget ran out, or the run was stopped. */
  signal: AbortSignal;
  /**
   * Aborts only when the run was stopped: no further cycle may be submitted then. The other reasons of
   * `signal` end polling but let a cycle already claimed be submitted, so that no later stream waits on it.
   */
  stopSignal: AbortSignal;
  resume?: ResumePoint;
  /** The chat's conversation as the agent knows it, and who asks (sent with every create). */
  conversation: ConversationRef;
  /** When the stored run began (the engine's elapsed time counts from it). Default: now. */
  runStartedAt?: number;
  /** Adds each ended cycle to the answer's usage. */
  usage?: UsageTally;
}

/** Background cycles one turn may chain (function outputs sent back); a runaway agent stops here. */
export const MAX_CYCLES_PER_TURN = 8;

/**
 * Submit (or resume), poll and stream background cycles until the agent stops calling the app's function
 * tools. Returns how the run ended, or undefined when `signal` cut it short (the run goes on upstream).
 */
export async function runCycles(deps: CycleDeps, ctx: CycleContext): Promise<RunOutcome | undefined> {
  const { store, client, clock } = deps;
  const { chatId, runId, view, signal } = ctx;
  const history = [...ctx.history];
  const startedAt = ctx.runStartedAt ?? ctx.resume?.startedAt ?? clock.now();
  let resume = ctx.resume;
  let conversation = ctx.conversation;
  const submission = (input: UpstreamItem[]): SubmitRequest => ({
    model: deps.model,
    input,
    instructions: deps.instructions,
    tools: deps.tools,
    conversation,
    ...deps.traceFields?.({ chatId, runId }),
  });

  /** The response whose next cycle this loop claimed, when the next create is that cycle's. */
  let claimedAfter: string | undefined;
  for (let cycle = 0; cycle < MAX_CYCLES_PER_TURN; cycle++) {
    const opened = resume
      ? await reopenCycle(deps, resume, submission)
      : await submitCycle(deps, ctx, toUpstreamInput(history), submission, claimedAfter);
    if ("ended" in opened) return opened.ended;
    const { responseId, input, initial, events } = opened;
    const follow = {
      client,
      clock,
      responseId,
      initial,
      cursor: resume?.cursor ?? 0,
      echo: deps.echoesHistory ? createEchoFilter(input) : noEcho,
      intervalMs: deps.settings?.pollIntervalMs ?? deps.pollIntervalMs,
      lookAllowance: deps.lookAllowance,
      // A resumed response is already under way: no point waiting before the first look.
      initialDelayMs: resume ? 0 : undefined,
      startedAt,
      signal,
    };
    // Streamed where the upstream can (real deltas), else polled; the cursor means the same either way.
    const end = await streamRunToUI(
      streamsRuns(client) ? streamBackgroundResponse({ ...follow, events }) : pollBackgroundResponse(follow),
      {
        writer: view.writer,
        clock,
        signal,
        calls: view.calls,
        clientTools: view.clientTools,
        revealSpeed: deps.settings?.revealSpeed,
        onItemSent: async (item, cursor) => {
          history.push(item);
          await store.recordItem(chatId, runId, item, cursor);
        },
        onConversationMoved: async (conversationId) => {
          conversation = { ...conversation, id: conversationId };
          await store.setConversationId(chatId, conversationId);
        },
      },
    );
    resume = undefined;
    view.show({ type: "cycle-ended" });
    if (!end) return undefined;
    ctx.usage?.cycleEnded(end.response, view.calls.size, view);
    if (end.outcome.status !== "completed") return end.outcome;

    // Quirk 5: calls to the app's own tools end the response without outputs; answer them and go again.
    const awaiting = client.agentRunsTools ? [] : callsAwaitingOutput(end.response?.output ?? []);
    if (awaiting.length === 0) return end.outcome;
    const next = await claimOrFollowNextCycle({
      store,
      clock,
      chatId,
      runId,
      responseId,
      callIds: awaiting.map((c) => String(c.call_id)),
      startedAt,
      intervalMs: deps.pollIntervalMs,
      signal,
    });
    if (!next) return undefined;
    if (next.kind === "interrupted") {
      view.show({ type: "outcome", data: { status: "error", message: next.message } });
      return { status: "error", message: next.message };
    }
    if (next.kind === "ended") {
      if (next.state !== "cancelled") return undefined;
      view.show({ type: "outcome", data: stoppedNotice(client) });
      return { status: "cancelled" };
    }
    if (next.kind === "followed") {
      for (const [index, item] of next.outputs.entries()) view.show({ type: "item", item, index });
      history.push(...next.outputs);
      view.show({ type: "cycle-started" });
      resume = next.resume;
      continue;
    }
    const answered = new Set(history.flatMap((i) => (i.type === "function_call_output" ? [i.call_id] : [])));
    const outputs = await runFunctionCalls(
      deps.registry,
      awaiting.filter((c) => !answered.has(c.call_id)),
      view,
      ctx.stopSignal,
    );
    history.push(...outputs);
    await store.appendHistory(chatId, runId, outputs);
    claimedAfter = responseId;
  }
  const message = `The agent kept calling tools; stopped after ${MAX_CYCLES_PER_TURN} rounds.`;
  view.show({ type: "outcome", data: { status: "error", message } });
  return { status: "error", message };
}

/** A cycle's response and what it was created with; its create's answer and event stream when there is one. */
interface OpenedCycle {
  responseId: string;
  input: UpstreamItem[];
  initial?: UpstreamResponse;
  events?: UpstreamEventStream;
}

/** A response already under way (resumed, or another stream's next cycle): followed from where it was. */
async function reopenCycle(
  { client, clock }: CycleDeps,
  resume: ResumePoint,
  submission: (input: UpstreamItem[]) => SubmitRequest,
): Promise<OpenedCycle> {
  const { responseId, input } = resume;
  if (!client.clientRunIds || resume.cursor !== 0) return { responseId, input };
  // Its create may never have reached the upstream (a lost answer, a restart right after it was stored): sent
  // again with the same id it finds the run it started, or starts it now. Nothing was shown yet, so nothing can
  // be shown twice.
  try {
    const { response, events } = await startIdempotentRun(
      client,
      { ...submission(input), runId: responseId },
      clock,
    );
    return { responseId, input, initial: response, events };
  } catch {
    return { responseId, input }; // following it says what is wrong (a run the upstream does not know expired)
  }
}

/**
 * Create the cycle's background response and store its id. Ended instead (undefined: nothing to say) when the
 * run was stopped meanwhile, or with an error outcome when the upstream would not start it.
 */
async function submitCycle(
  { store, client, clock }: CycleDeps,
  { chatId, runId, view, stopSignal, usage }: CycleContext,
  input: UpstreamItem[],
  submission: (input: UpstreamItem[]) => SubmitRequest,
  claimedAfter?: string,
): Promise<OpenedCycle | { ended: RunOutcome | undefined }> {
  view.show({ type: "cycle-started" });
  view.show({ type: "status", status: "submitting" });
  if (stopSignal.aborted) return { ended: undefined };
  // One stream sends a cycle's create: two may follow the run, or take over one whose sender died before it.
  const after = claimedAfter ?? null;
  let started: StartedRun;
  // Not abortable by a leaving browser or the budget: once sent, the create may have started the run upstream,
  // and only a stored response id lets the next stream find it again (quirk 8 in docs/upstreams.md).
  try {
    if (client.clientRunIds) {
      // The id is stored before the create is sent: whatever happens to its answer, the next stream finds the
      // run by it (and sends the create again, which is safe, when nothing was shown yet).
      const id = client.clientRunIds.next();
      if (!(await store.startRun(chatId, runId, { responseId: id, input }, after)))
        return { ended: undefined };
      started = await startIdempotentRun(client, { ...submission(input), runId: id }, clock);
    } else {
      // The mark also tells whoever takes the run over later that this create may be running upstream.
      if (!(await store.markCreateSent(chatId, runId, after))) return { ended: undefined };
      started = await startBackgroundRun(client, submission(input));
    }
  } catch (err) {
    const message = `The agent could not be started: ${describeUpstreamError(err).message}`;
    view.show({ type: "outcome", data: { status: "error", message } });
    return { ended: { status: "error", message } };
  }
  const { response: initial, events } = started;
  if (!client.clientRunIds && !(await store.startRun(chatId, runId, { responseId: initial.id, input }))) {
    // Stopped while the create was in flight: the new response must not run on where nobody sees it.
    events?.close();
    await client.cancel?.(initial.id).catch(() => undefined);
    return { ended: undefined };
  }
  usage?.cycleStarted(view);
  return { responseId: initial.id, input, initial, events };
}

/**
 * Function calls in a finished response that the response itself did not answer: hosted tools come with
 * their outputs (echoed history too), so what is left is the app's to run. Derived from the response alone,
 * so a resumed stream reaches the same conclusion as the one that was cut.
 */
export function callsAwaitingOutput(output: readonly UpstreamItem[]): UpstreamItem[] {
  const answered = new Set(output.flatMap((i) => (i.type === "function_call_output" ? [i.call_id] : [])));
  return output.filter(
    (i) => i.type === "function_call" && typeof i.call_id === "string" && !answered.has(i.call_id),
  );
}

/** Run the app's own tools; an unknown or failing one answers with its error text, so the run never hangs. */
async function runFunctionCalls(
  registry: ToolRegistry,
  pending: UpstreamItem[],
  view: RunView,
  signal: AbortSignal,
): Promise<UpstreamItem[]> {
  const outputs: UpstreamItem[] = [];
  for (const call of pending) {
    const callId = call.call_id as string;
    const result = await executeFunctionCall(
      registry,
      { call_id: callId, name: String(call.name ?? ""), arguments: call.arguments },
      { signal },
    );
    const shown = result.ok ? { output: result.output.output } : { errorText: result.output.output };
    view.show({ type: "tool-ran", callId, result: shown });
    outputs.push(result.output);
  }
  return outputs;
}
