import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";

/** What the engine needs from an upstream: the three background calls, nothing else. */
export interface BackgroundClient {
  create(body: BackgroundCreateBody, options?: CreateOptions): Promise<UpstreamResponse>;
  retrieve(responseId: string, options?: { signal?: AbortSignal }): Promise<UpstreamResponse>;
  cancel(responseId: string): Promise<UpstreamResponse>;
  /** Present when the upstream can stream a background response (OpenAI): real deltas instead of polling. */
  streaming?: StreamingClient;
}

export interface CreateOptions {
  signal?: AbortSignal;
  /** Extra request headers (a `traceparent`). */
  headers?: Record<string, string>;
}

/** One server-sent event of a Responses stream; only the fields the engine reads are typed. */
export interface UpstreamStreamEvent {
  type: string;
  sequence_number?: number;
  [field: string]: unknown;
}

/** A Responses event stream that can be closed early (the run goes on upstream: it is a background run). */
export interface UpstreamEventStream extends AsyncIterable<UpstreamStreamEvent> {
  close(): void;
}

export interface StreamingClient {
  /** Create with `background` and `stream` both true. Never retried (quirk 8). */
  create(body: BackgroundStreamCreateBody, options?: CreateOptions): Promise<UpstreamEventStream>;
  /** Re-open a background response's events after `startingAfter` (from its first event when undefined). */
  resume(
    responseId: string,
    options: { startingAfter?: number; signal?: AbortSignal },
  ): Promise<UpstreamEventStream>;
}

export interface BackgroundStreamCreateBody extends Omit<BackgroundCreateBody, "stream"> {
  stream: true;
}

export interface BackgroundCreateBody {
  model: string;
  input: UpstreamItem[];
  instructions?: string;
  tools?: unknown[];
  background: true;
  /** Databricks answers 400 to `stream` + `background` (quirk 7): we always send false. */
  stream: false;
  [field: string]: unknown;
}

/** Time, injected so tests can run hours of polling in microseconds. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};
