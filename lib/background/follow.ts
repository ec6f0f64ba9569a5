// What following a run needs whether it is polled (`poll.ts`) or streamed (`stream.ts`): the events both yield,
// the heartbeat that keeps a quiet run's stream talking, the give-up past the upstream's run limit, back-off, and
// the outcome a terminal response means.

import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import type { BackgroundClient, Clock, DiscardReason } from "./types";

export type RunOutcome =
  | { status: "completed" }
  | { status: "failed"; message: string; code?: string }
  | { status: "cancelled" }
  | { status: "incomplete"; reason: string }
  | { status: "expired"; message: string }
  | { status: "error"; message: string };

export interface RetryState {
  attempt: number;
  delayMs: number;
  message: string;
}

export type PollEvent =
  | {
      type: "status";
      status: string;
      polls: number;
      elapsedMs: number;
      responseId: string;
      /** Present while backing off after a failed retrieve. */
      retrying?: RetryState;
      /** The upstream shows the answer being written (an unfinished assistant message past the cursor). */
      writing?: true;
    }
  | { type: "item"; item: UpstreamItem; index: number; cursor: number }
  /** Streaming only: text of the assistant message at output `index` as the upstream produces it (not yet finished). */
  | { type: "delta"; index: number; itemId: string; delta: string }
  /** Streaming only: what was streamed of the unfinished item at `index` is void (see OUTPUT_DISCARDED_EVENT). */
  | { type: "discard"; index: number; reason: DiscardReason }
  /** The agent now knows this chat's conversation by `conversationId` (see CONVERSATION_MOVED_EVENT). */
  | { type: "conversation"; conversationId: string }
  | { type: "end"; outcome: RunOutcome; response?: UpstreamResponse; cursor: number };

/** No stream may stay silent longer than this: a status event is yielded at least this often. */
export const DEFAULT_HEARTBEAT_MS = 4000;
/** The Responses upstreams' 30-minute cap on a background run. */
export const DEFAULT_RUN_LIMIT_MS = 30 * 60_000;
/** Added to an upstream's run limit before giving up: clock skew and slow finishing. */
export const RUN_LIMIT_MARGIN_MS = 5 * 60_000;

/** When a run on `client` is given up on: its limit plus the margin. */
export function maxRunMsOf(client: BackgroundClient): number {
  return (client.runLimitMs ?? DEFAULT_RUN_LIMIT_MS) + RUN_LIMIT_MARGIN_MS;
}

/** A `status` event's builder for one run: its elapsed time counts from `startedAt`. */
export function statusOf(clock: Clock, responseId: string, startedAt: number) {
  return (
    fields: { status: string; polls: number } & Pick<
      Extract<PollEvent, { type: "status" }>,
      "retrying" | "writing"
    >,
  ): PollEvent => ({ type: "status", ...fields, elapsedMs: clock.now() - startedAt, responseId });
}

export const HEARTBEAT: unique symbol = Symbol("heartbeat");

/**
 * `pending`'s value, or HEARTBEAT if it takes longer than `heartbeatMs` (the caller yields a status and races
 * the same promise again). A heartbeat that lost the race is cancelled, so no timer outlives it.
 */
export async function raceHeartbeat<T>(
  pending: Promise<T>,
  { clock, heartbeatMs, signal }: { clock: Clock; heartbeatMs: number; signal?: AbortSignal },
): Promise<T | typeof HEARTBEAT> {
  const tick = new AbortController();
  const stopTick = () => tick.abort("stopped");
  signal?.addEventListener("abort", stopTick, { once: true });
  try {
    const beat = clock.sleep(heartbeatMs, tick.signal).then((): typeof HEARTBEAT => HEARTBEAT);
    return await Promise.race([pending, beat]);
  } finally {
    // With a reason: an abort without one builds a DOMException, once per retrieve of every run.
    tick.abort("settled");
    signal?.removeEventListener("abort", stopTick);
  }
}

/**
 * The end of a run still going past `maxRunMs` after its creation: it will never report back, so it is cancelled
 * where the upstream can cancel (best effort: it has most likely ended it already) and ended as an error.
 */
export function giveUpOnRun(
  client: BackgroundClient,
  responseId: string,
  maxRunMs: number,
  cursor: number,
): PollEvent {
  client.cancel?.(responseId).catch(() => undefined);
  const minutes = Math.round(maxRunMs / 60_000);
  const limit = Math.round((client.runLimitMs ?? DEFAULT_RUN_LIMIT_MS) / 60_000);
  const message = `The run was still not finished after ${minutes} minutes, past the agent's ${limit}-minute limit, so ${client.cancel ? "it was stopped" : "the app stopped following it"}.`;
  return { type: "end", outcome: { status: "error", message }, cursor };
}

/**
 * Exponential back-off with equal jitter (half the ceiling, plus up to the other half at random), so many clients
 * do not retry in step.
 */
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 15_000;

export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

export function outcomeOf(response: UpstreamResponse): RunOutcome {
  switch (response.status) {
    case "completed":
      return { status: "completed" };
    case "cancelled":
      return { status: "cancelled" };
    case "incomplete":
      return { status: "incomplete", reason: response.incomplete_details?.reason ?? "unknown" };
    case "failed":
      return {
        status: "failed",
        message: response.error?.message || "The agent run failed without an error message.",
        ...(response.error?.code ? { code: response.error.code } : {}),
      };
    default:
      return {
        status: "failed",
        message: `The agent run ended with an unexpected status "${response.status}".`,
      };
  }
}
