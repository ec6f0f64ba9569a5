import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import { describeUpstreamError } from "./errors";
import { backoffMs } from "./follow";
import type {
  BackgroundClient,
  Clock,
  ConversationRef,
  CreateOptions,
  StreamingClient,
  UpstreamEventStream,
} from "./types";

export interface SubmitRequest {
  model: string;
  input: UpstreamItem[];
  instructions?: string;
  tools?: unknown[];
  signal?: AbortSignal;
  /** Tracing pass-through: extra body fields (`context`, `trace_destination`) and headers (`traceparent`). */
  extra?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** The chat and person the run is for (agent servers key their memory on them). */
  conversation?: ConversationRef;
  /** The run's id, picked by the app, for an upstream that takes client ids (`clientRunIds`). */
  runId?: string;
}

/**
 * Start a background run. Exactly one create call: the client must not retry it (quirk 8 in docs/upstreams.md), because a retried
 * create carries no idempotency key and can start a second run with repeated side effects.
 */
export async function submitBackgroundResponse(
  client: BackgroundClient,
  request: SubmitRequest,
): Promise<UpstreamResponse> {
  return client.create({ ...createBody(request), stream: false }, createOptions(request));
}

/** What goes with a create besides its body. */
function createOptions(request: SubmitRequest): CreateOptions {
  const { signal, headers, conversation, runId } = request;
  return {
    ...(signal ? { signal } : {}),
    ...(headers ? { headers } : {}),
    ...(conversation ? { conversation } : {}),
    ...(runId ? { runId } : {}),
  };
}

/** The create body of `request`, `stream` aside: optional fields only when set. */
function createBody(request: SubmitRequest) {
  const {
    signal: _,
    tools,
    instructions,
    extra,
    headers: __,
    conversation: ___,
    runId: ____,
    ...rest
  } = request;
  return {
    ...rest,
    ...(instructions ? { instructions } : {}),
    ...(tools && tools.length > 0 ? { tools } : {}),
    ...extra,
    background: true as const,
  };
}

/** A run just created: the response as create answered it, and its open event stream when it was streamed. */
export interface StartedRun {
  response: UpstreamResponse;
  events?: UpstreamEventStream;
}

/** Streaming clients whose upstream refused background + stream: they are not asked again. */
const refusesStreaming = new WeakSet<StreamingClient>();

/** Whether runs on this client are followed through their event stream. */
export function streamsRuns(
  client: BackgroundClient,
): client is BackgroundClient & { streaming: StreamingClient } {
  return !!client.streaming && !refusesStreaming.has(client.streaming);
}

/**
 * Start a background run, streamed when the upstream can (the create answers with its event stream; the run's
 * id comes in the first event). An upstream that refuses background + stream with a 400 started nothing, so the
 * run is created once more without streaming, and that upstream is polled from then on. Any other failure is
 * the create's failure: never retried (quirk 8).
 */
export async function startBackgroundRun(
  client: BackgroundClient,
  request: SubmitRequest,
): Promise<StartedRun> {
  if (streamsRuns(client)) {
    let events: UpstreamEventStream;
    try {
      // Not abortable before the run is named (see runCycles): the signal stays out.
      events = await client.streaming.create(
        { ...createBody(request), stream: true },
        createOptions({ ...request, signal: undefined }),
      );
    } catch (err) {
      if (!refusedStreaming(err)) throw err;
      refusesStreaming.add(client.streaming);
      return { response: await submitBackgroundResponse(client, request) };
    }
    return { ...(await firstResponse(events)), events };
  }
  return { response: await submitBackgroundResponse(client, request) };
}

/** Read the stream up to its first event that carries the response (`response.created`). */
async function firstResponse(events: UpstreamEventStream): Promise<{ response: UpstreamResponse }> {
  const iterator = events[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      const response = next.value.response as UpstreamResponse | undefined;
      if (response && typeof response.id === "string" && typeof response.status === "string") {
        // The rest of the events are read through the same iterator.
        Object.defineProperty(events, Symbol.asyncIterator, { value: () => iterator });
        return { response };
      }
    }
  } catch (err) {
    events.close();
    throw err;
  }
  events.close();
  throw new Error("The upstream's event stream ended before it named the response.");
}

/** Transient failures of an idempotent create tried in all before it is given up. */
const IDEMPOTENT_CREATE_ATTEMPTS = 5;

/**
 * `startBackgroundRun` for an upstream whose create is idempotent by the run's id (`clientRunIds`): a create
 * that failed on the way (a reset connection, a 5xx, a 429) may have started the run or not, and sending it
 * again with the same id finds the same run either way, so it is retried with back-off. Any other failure (the
 * request was refused) is the create's failure.
 */
export async function startIdempotentRun(
  client: BackgroundClient,
  request: SubmitRequest & { runId: string },
  clock: Clock,
): Promise<StartedRun> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startBackgroundRun(client, request);
    } catch (err) {
      const info = describeUpstreamError(err);
      const transient = info.kind === "transient" || info.kind === "rate_limited";
      if (!transient || attempt >= IDEMPOTENT_CREATE_ATTEMPTS || request.signal?.aborted) throw err;
      await clock.sleep(info.retryAfterMs ?? backoffMs(attempt), request.signal);
    }
  }
}

function refusedStreaming(err: unknown): boolean {
  const info = describeUpstreamError(err);
  if (info.kind !== "bad_request") return false;
  const param = (err as { param?: unknown }).param;
  return param === "stream" || /stream/i.test(info.message);
}
