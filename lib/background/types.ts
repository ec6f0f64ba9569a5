import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";

/**
 * The engine's one seam to an upstream, whatever protocol it speaks: start a run, look at it (polling), follow
 * its events (streaming, with a resume cursor) and cancel it, or say it cannot. Every adapter answers in the
 * Responses shape (`UpstreamResponse`, output items, stream events with an `output_index`), so the cursor,
 * items, parts, store and UI are the same whichever server is behind it (docs/upstreams.md has each protocol).
 */
export interface BackgroundClient {
  create(body: BackgroundCreateBody, options?: CreateOptions): Promise<UpstreamResponse>;
  retrieve(responseId: string, options?: { signal?: AbortSignal }): Promise<UpstreamResponse>;
  /**
   * Cancel the run upstream. Absent when the upstream cannot (LongRunningAgentServer answers 501, Agent Bricks
   * has no cancel): Stop then only stops following, and says that the agent may still finish upstream.
   */
  cancel?(responseId: string): Promise<unknown>;
  /** Present when the upstream can stream a background response (OpenAI): real deltas instead of polling. */
  streaming?: StreamingClient;
  /**
   * Present when the upstream makes a create idempotent by an id the client picks (Agent Bricks): the engine
   * picks it and stores it before the create is sent, so a create whose answer was lost (or a restart in
   * between) is sent again with the same id and finds the same run, never a second one.
   */
  clientRunIds?: { next(): string };
  /** How long the upstream lets a background run go on before it ends it itself; default 30 minutes. */
  runLimitMs?: number;
  /**
   * The agent runs every tool it calls itself (an agent server, which takes no tools from the app): a
   * function call in its output is never the app's to answer.
   */
  agentRunsTools?: boolean;
}

export interface CreateOptions {
  signal?: AbortSignal;
  /** Extra request headers (a `traceparent`). */
  headers?: Record<string, string>;
  /** The chat and person the run is for: agent servers key their conversation memory on them. */
  conversation?: ConversationRef;
  /** The id picked for this run when the upstream takes client ids (`clientRunIds`). */
  runId?: string;
}

export interface ConversationRef {
  /** The conversation id the agent knows this chat by (the chat id, or the alias the agent moved it to). */
  id: string;
  /** Who the run is for, as the agent's memory knows them (an e-mail where the app knows it). */
  userId: string;
}

/** One server-sent event of a Responses stream; only the fields the engine reads are typed. */
export interface UpstreamStreamEvent {
  type: string;
  sequence_number?: number;
  [field: string]: unknown;
}

/**
 * Events an adapter adds to the Responses vocabulary, for what a Responses server never does:
 * - `output.discarded` `{output_index, reason}`: the unfinished item announced at `output_index` is void, and
 *   what was streamed of it must not stay on screen. `restarted`: the agent's worker died and a new attempt
 *   took the run over (it writes the item again from the start); `moved`: another item finished first and
 *   took this index (the item is announced again at a later one). Nothing finished follows it.
 * - `conversation.moved` `{conversation_id}`: the agent goes on with this chat's conversation under another id
 *   (LongRunningAgentServer after a crash); later runs must be sent with it.
 */
export const OUTPUT_DISCARDED_EVENT = "output.discarded";
export const CONVERSATION_MOVED_EVENT = "conversation.moved";
export type DiscardReason = "restarted" | "moved";

/** A Responses event stream that can be closed early (the run goes on upstream: it is a background run). */
export interface UpstreamEventStream extends AsyncIterable<UpstreamStreamEvent> {
  close(): void;
}

export interface StreamingClient {
  /** Create with `background` and `stream` both true. Never retried (quirk 8). */
  create(body: BackgroundStreamCreateBody, options?: CreateOptions): Promise<UpstreamEventStream>;
  /**
   * Re-open a background response's events after `startingAfter` (from its first event when undefined).
   * `previous` is the stream that was cut, when this continues it: an adapter that translates another
   * protocol keeps what it has learnt of the run there (which output index each item has).
   */
  resume(
    responseId: string,
    options: { startingAfter?: number; signal?: AbortSignal; previous?: UpstreamEventStream },
  ): Promise<UpstreamEventStream>;
}

/** A background create's body, `stream` aside. */
export interface BackgroundCreateFields {
  model: string;
  input: UpstreamItem[];
  instructions?: string;
  tools?: unknown[];
  background: true;
  [field: string]: unknown;
}

export interface BackgroundStreamCreateBody extends BackgroundCreateFields {
  stream: true;
}

export interface BackgroundCreateBody extends BackgroundCreateFields {
  /** Databricks answers 400 to `stream` + `background` (quirk 7): we always send false. */
  stream: false;
}

/** Time, injected so tests can run hours of polling in microseconds. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
