import { isTerminalStatus, type UpstreamResponse } from "@/lib/shared/upstream";
import { takeNewItems } from "./cursor";
import type { EchoFilter } from "./echo";
import { describeUpstreamError } from "./errors";
import {
  backoffMs,
  DEFAULT_HEARTBEAT_MS,
  giveUpOnRun,
  HEARTBEAT,
  maxRunMsOf,
  outcomeOf,
  type PollEvent,
  type RetryState,
  type RunOutcome,
  raceHeartbeat,
  statusOf,
} from "./follow";
import {
  type ExtraLookAllowance,
  FIRST_LOOK_MS,
  LookPlanner,
  progressOf,
  type RunProgress,
} from "./schedule";
import type { BackgroundClient, Clock } from "./types";

export type { PollEvent, RetryState, RunOutcome } from "./follow";
export { maxRunMsOf } from "./follow";

export interface PollOptions {
  client: BackgroundClient;
  clock: Clock;
  responseId: string;
  echo: EchoFilter;
  /** The response as create (or a previous session) last saw it: a terminal one is finished without polling (quirk 3 in docs/upstreams.md). */
  initial?: UpstreamResponse;
  /** Output index to continue from (0 for a fresh run). */
  cursor?: number;
  /** When the run started, for elapsed time. Defaults to now. */
  startedAt?: number;
  /** The steady interval: the longest wait between looks (sooner while the end may be near: `schedule.ts`). */
  intervalMs: number;
  /** Extra looks shared by every run the process follows (`schedule.ts`); without it, each run's own budget only. */
  lookAllowance?: ExtraLookAllowance;
  /** Wait before the first retrieve of a fresh run (default FIRST_LOOK_MS). */
  initialDelayMs?: number;
  /** No stream may stay silent longer than this: a status event is yielded at least this often while waiting. */
  heartbeatMs?: number;
  /** Consecutive transient retrieve failures tolerated before giving up. */
  maxRetries?: number;
  /**
   * A response still running this long after it was created is given up on (and cancelled): upstreams end
   * background runs at their limit (`client.runLimitMs`, 30 minutes by default), so one past that plus a
   * margin will never report back. Default: that limit plus RUN_LIMIT_MARGIN_MS.
   */
  maxRunMs?: number;
  signal?: AbortSignal;
}

const DEFAULT_MAX_RETRIES = 6;

/**
 * Poll a background response until it is terminal, yielding each newly finished, non-echo output item exactly
 * once and in order. Ends with one `end` event, or returns silently when `signal` aborts (the caller left).
 */
export async function* pollBackgroundResponse(options: PollOptions): AsyncGenerator<PollEvent> {
  const { client, clock, responseId, echo, signal } = options;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
  const startedAt = options.startedAt ?? clock.now();
  let cursor = options.cursor ?? 0;
  let polls = 0;
  let lastStatus = options.initial?.status ?? "queued";
  let retrying: RetryState | undefined;
  /** What the last look showed of the run's progress; "writing" is passed on to the browser. */
  let progress = "queued" as RunProgress;
  let producedAny = (options.cursor ?? 0) > 0;
  let itemsAtLastLook = false;
  const maxRunMs = options.maxRunMs ?? maxRunMsOf(client);
  /** When the response was created: the upstream's `created_at` once seen, else when the run started. */
  let createdAtMs = startedAt;

  const statusEvent = statusOf(clock, responseId, startedAt);
  const status = (): PollEvent =>
    statusEvent({
      status: lastStatus,
      polls,
      ...(retrying ? { retrying } : {}),
      ...(progress === "writing" ? { writing: true as const } : {}),
    });

  const beat = { clock, heartbeatMs, signal, status };
  /** Yield what is new in `response`; returns true when the run is over. */
  function* consume(response: UpstreamResponse): Generator<PollEvent, boolean> {
    lastStatus = response.status;
    if (typeof response.created_at === "number" && response.created_at > 0)
      createdAtMs = response.created_at * 1000;
    const terminal = isTerminalStatus(response.status);
    const fresh = takeNewItems(response.output ?? [], cursor, echo, terminal);
    itemsAtLastLook = fresh.items.length > 0;
    if (itemsAtLastLook) producedAny = true;
    progress = terminal ? "working" : progressOf(response, fresh.cursor, producedAny);
    // The run is over upstream but its last items are still to be shown (a polled answer is revealed over up
    // to a few seconds): say so first, so the browser can show "finishing" instead of "running".
    if (terminal && fresh.items.length > 0) yield status();
    for (const { item, index } of fresh.items) yield { type: "item", item, index, cursor: index + 1 };
    cursor = fresh.cursor;
    if (!terminal) {
      yield status();
      return false;
    }
    yield { type: "end", outcome: outcomeOf(response), response, cursor };
    return true;
  }

  // Looks fall on a lattice counted from create (`schedule.ts`): for a run this loop saw created, from now; for
  // one already under way, from when it started.
  const looks = new LookPlanner(
    clock.now,
    options.initial !== undefined ? clock.now() : startedAt,
    options.intervalMs,
    options.lookAllowance,
  );
  if (options.initial) {
    if (yield* consume(options.initial)) return;
    yield* waitTalking(
      looks.firstDelayMs(options.initialDelayMs ?? Math.min(FIRST_LOOK_MS, options.intervalMs)),
      beat,
    );
  }

  let failures = 0;
  while (!signal?.aborted) {
    if (clock.now() - createdAtMs > maxRunMs) {
      yield giveUpOnRun(client, responseId, maxRunMs, cursor);
      return;
    }
    let response: UpstreamResponse;
    looks.looking();
    const request = requestSignal(signal);
    try {
      response = yield* awaitTalking(client.retrieve(responseId, { signal: request.signal }), beat);
    } catch (err) {
      if (signal?.aborted) return;
      failures += 1;
      const failure = retrieveFailure(err, failures, maxRetries);
      if ("end" in failure) {
        yield { type: "end", outcome: failure.end, cursor };
        return;
      }
      retrying = failure.retry;
      yield status();
      yield* waitTalking(failure.retry.delayMs, beat);
      continue;
    } finally {
      request.release();
    }
    failures = 0;
    retrying = undefined;
    polls += 1;
    if (yield* consume(response)) return;
    yield* waitTalking(looks.nextDelayMs(progress, itemsAtLastLook), beat);
  }
}

/** How a run's stream keeps talking while it waits: a status at least every `heartbeatMs`. */
interface Heartbeat {
  clock: Clock;
  heartbeatMs: number;
  signal?: AbortSignal;
  status: () => PollEvent;
}

/** Sleep `ms` in slices, so the stream hears from us at least every `heartbeatMs`. */
async function* waitTalking(
  ms: number,
  { clock, heartbeatMs, signal, status }: Heartbeat,
): AsyncGenerator<PollEvent> {
  const until = clock.now() + ms;
  for (let left = ms; left > 0 && !signal?.aborted; left = until - clock.now()) {
    await clock.sleep(Math.min(left, heartbeatMs), signal);
    if (!signal?.aborted && until - clock.now() > 0) yield status();
  }
}

/**
 * Await an upstream call without going quiet: a slow retrieve (up to its timeout) still lets a status through
 * every `heartbeatMs`.
 */
async function* awaitTalking<T>(call: Promise<T>, beat: Heartbeat): AsyncGenerator<PollEvent, T> {
  const settled = call.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  for (;;) {
    const outcome = await raceHeartbeat(settled, beat);
    if (outcome !== HEARTBEAT) {
      if ("error" in outcome) throw outcome.error;
      return outcome.value;
    }
    if (!beat.signal?.aborted) yield beat.status();
  }
}

/**
 * What a failed retrieve means: the run's end (gone upstream, a refused credential or request, too many
 * failures in a row), or a retry after a back-off (the upstream's Retry-After when it gave one).
 */
function retrieveFailure(
  err: unknown,
  failures: number,
  maxRetries: number,
): { end: RunOutcome } | { retry: RetryState } {
  const info = describeUpstreamError(err);
  if (info.kind === "not_found")
    return {
      end: {
        status: "expired",
        message: "This run is no longer available upstream (it expired or was removed).",
      },
    };
  if (info.kind === "auth" || info.kind === "bad_request" || info.kind === "aborted")
    return { end: { status: "error", message: info.message } };
  if (failures > maxRetries) {
    const message = `The upstream kept failing (${info.message}); gave up after ${maxRetries} retries.`;
    return { end: { status: "error", message } };
  }
  const delayMs = info.retryAfterMs ?? backoffMs(failures);
  return { retry: { attempt: failures, delayMs, message: info.message } };
}

/**
 * A signal of its own for one retrieve, aborted with the run's. The SDK joins a caller's signal to its own with
 * `AbortSignal.any`, which records the joined signal on each source: given the stream's signal, every retrieve
 * would add to sets that live as long as the stream (with 1,000 runs, tens of thousands of weak references the
 * collector has to visit). `release` when the retrieve settled.
 */
function requestSignal(signal: AbortSignal | undefined): { signal?: AbortSignal; release(): void } {
  if (!signal) return { release: () => {} };
  const request = new AbortController();
  const abort = () => request.abort(signal.reason);
  if (signal.aborted) abort();
  else signal.addEventListener("abort", abort, { once: true });
  return { signal: request.signal, release: () => signal.removeEventListener("abort", abort) };
}
