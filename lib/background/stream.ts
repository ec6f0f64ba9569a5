import {
  isMessageItem,
  isTerminalStatus,
  type UpstreamItem,
  type UpstreamResponse,
} from "@/lib/shared/upstream";
import { takeNewItems } from "./cursor";
import { describeUpstreamError } from "./errors";
import {
  backoffMs,
  DEFAULT_HEARTBEAT_MS,
  giveUpOnRun,
  HEARTBEAT,
  maxRunMsOf,
  outcomeOf,
  type PollEvent,
  raceHeartbeat,
  statusOf,
} from "./follow";
import { type PollOptions, pollBackgroundResponse } from "./poll";
import {
  type Clock,
  CONVERSATION_MOVED_EVENT,
  OUTPUT_DISCARDED_EVENT,
  type UpstreamEventStream,
  type UpstreamStreamEvent,
} from "./types";

export interface StreamFollowOptions extends PollOptions {
  /** The create's own event stream, already past `response.created`. Absent: the events are re-opened. */
  events?: UpstreamEventStream;
}

/** Connections in a row that brought no event before the engine falls back to polling. */
const MAX_FRUITLESS_CONNECTIONS = 3;
const TERMINAL_EVENTS = new Set([
  "response.completed",
  "response.failed",
  "response.incomplete",
  "response.cancelled",
]);
const STATUS_EVENTS = new Set(["response.created", "response.queued", "response.in_progress"]);
const TEXT_DELTA_EVENTS = new Set(["response.output_text.delta", "response.refusal.delta"]);

/**
 * Follow a background response through its event stream (OpenAI: background + stream) instead of polling it:
 * the same events as `pollBackgroundResponse` (items exactly once, in order, with the same output-index cursor;
 * one `end`), plus `delta` events carrying the upstream's real text deltas for the item the chat is waiting on.
 *
 * A dropped connection is re-opened with `starting_after` the last event seen; an upstream whose stream cannot be
 * (re)opened is polled from the cursor instead. A resumed follow (no `events`, e.g. after a hand-over) replays the
 * stream from its start and skips what the cursor says was already shown.
 */
export async function* streamBackgroundResponse(options: StreamFollowOptions): AsyncGenerator<PollEvent> {
  const { client, clock, responseId, echo, signal } = options;
  const streaming = client.streaming;
  const startedAt = options.startedAt ?? clock.now();
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const maxRunMs = options.maxRunMs ?? maxRunMsOf(client);
  let cursor = options.cursor ?? 0;
  let lastStatus = options.initial?.status ?? "queued";
  let createdAtMs = startedAt;
  let lastSequence: number | undefined;
  /** The response's output as the events have built it so far, by output index. */
  let output: UpstreamItem[] = [];
  let source = options.events;

  const statusEvent = statusOf(clock, responseId, startedAt);
  const status = (): PollEvent => statusEvent({ status: lastStatus, polls: 0 });
  const seeResponse = (response: unknown) => {
    if (!response || typeof response !== "object") return;
    const r = response as Partial<UpstreamResponse>;
    if (typeof r.status === "string") lastStatus = r.status;
    if (typeof r.created_at === "number" && r.created_at > 0) createdAtMs = r.created_at * 1000;
  };

  /** Yield the items the cursor can move past; returns true when the run is over. */
  function* consume(items: UpstreamItem[], terminal: boolean): Generator<PollEvent> {
    const ready = takeNewItems(itemsUpToFirstGap(items), cursor, echo, terminal);
    for (const { item, index } of ready.items) yield { type: "item", item, index, cursor: index + 1 };
    cursor = ready.cursor;
  }

  /** Handle one event; returns true once the run's end was yielded. */
  function* handle(event: UpstreamStreamEvent): Generator<PollEvent, boolean> {
    const index = typeof event.output_index === "number" ? event.output_index : -1;
    if (
      isResponse(event.response) &&
      (TERMINAL_EVENTS.has(event.type) || isTerminalStatus(event.response.status))
    ) {
      // Any event carrying a finished response ends the run, whatever its name (upstreams differ on cancel).
      seeResponse(event.response);
      const response = event.response;
      yield* consume(response.output ?? [], isTerminalStatus(response.status));
      yield { type: "end", outcome: outcomeOf(response), response, cursor };
      return true;
    }
    if (STATUS_EVENTS.has(event.type)) {
      seeResponse(event.response);
      yield status();
    } else if (event.type === "response.output_item.added" || event.type === "response.output_item.done") {
      if (index < 0 || !isItem(event.item)) return false;
      output[index] = event.item;
      if (event.type === "response.output_item.done") yield* consume(output, false);
    } else if (TEXT_DELTA_EVENTS.has(event.type)) {
      // Only the item the chat waits on streams live; any other is sent whole once finished, as when polling.
      const item = output[index];
      if (index !== cursor || !item || !isMessageItem(item) || item.role !== "assistant") return false;
      if (echo.echoMask(itemsUpToFirstGap(output))[index]) return false;
      if (typeof event.delta !== "string" || event.delta === "") return false;
      yield {
        type: "delta",
        index,
        itemId: String(event.item_id ?? item.id ?? `item-${index}`),
        delta: event.delta,
      };
    } else if (event.type === OUTPUT_DISCARDED_EVENT) {
      // Only an item not yet shown can be void: the cursor never goes back. Nothing finished follows it.
      if (index < cursor || !output[index]) return false;
      output.splice(index);
      yield { type: "discard", index, reason: event.reason === "moved" ? "moved" : "restarted" };
    } else if (event.type === CONVERSATION_MOVED_EVENT) {
      if (typeof event.conversation_id === "string" && event.conversation_id)
        yield { type: "conversation", conversationId: event.conversation_id };
    } else if (event.type === "error") {
      throw new Error(`The upstream's event stream reported an error: ${describeStreamError(event)}`);
    }
    return false;
  }

  if (options.initial && isTerminalStatus(options.initial.status)) {
    // Quirk 3 in docs/upstreams.md: already over at create; nothing to stream.
    options.events?.close();
    seeResponse(options.initial);
    yield* consume(options.initial.output ?? [], true);
    yield { type: "end", outcome: outcomeOf(options.initial), response: options.initial, cursor };
    return;
  }

  let fruitless = 0;
  /** The last stream read, which a re-opened one continues. */
  let previous: UpstreamEventStream | undefined;
  while (streaming && !signal?.aborted) {
    if (!source) {
      try {
        source = await streaming.resume(responseId, {
          startingAfter: lastSequence,
          signal,
          ...(previous && lastSequence !== undefined ? { previous } : {}),
        });
      } catch (err) {
        // A refusal (the run cannot be streamed, or is gone): polling takes over, and reports a real failure.
        // A passing failure (a reset, a 5xx, a 429) is one more fruitless connection: the stream is tried
        // again, since polling shows nothing of a run on an upstream that keeps no partial output.
        const info = describeUpstreamError(err);
        if (signal?.aborted || (info.kind !== "transient" && info.kind !== "rate_limited")) break;
        fruitless += 1;
        if (fruitless > MAX_FRUITLESS_CONNECTIONS) break;
        await clock.sleep(info.retryAfterMs ?? backoffMs(fruitless), signal);
        continue;
      }
      // A replay from the start rebuilds the output from scratch.
      if (lastSequence === undefined) output = [];
    }
    const events = source;
    const close = () => events.close();
    signal?.addEventListener("abort", close, { once: true });
    let progressed = false;
    try {
      for await (const event of withHeartbeats(events, { clock, heartbeatMs, signal })) {
        if (clock.now() - createdAtMs > maxRunMs) {
          yield giveUpOnRun(client, responseId, maxRunMs, cursor);
          return;
        }
        if (event === HEARTBEAT) {
          yield status();
          continue;
        }
        progressed = true;
        if (typeof event.sequence_number === "number") lastSequence = event.sequence_number;
        if (yield* handle(event)) return;
      }
    } catch {
      // The connection broke (or the stream said error): re-open it from the last event seen.
    } finally {
      signal?.removeEventListener("abort", close);
      events.close();
    }
    previous = source;
    source = undefined;
    if (signal?.aborted) return;
    fruitless = progressed ? 1 : fruitless + 1;
    if (fruitless > MAX_FRUITLESS_CONNECTIONS) break;
    await clock.sleep(backoffMs(fruitless), signal);
  }
  if (signal?.aborted) return;
  // Polling from the cursor: an item that was streaming when the stream was lost comes whole once finished, and
  // the UI layer sends only the part its deltas had not.
  yield* pollBackgroundResponse({ ...options, initial: undefined, cursor, startedAt, initialDelayMs: 0 });
}

/** Output items as far as they are known without a hole (an item whose `added` event was never seen). */
function itemsUpToFirstGap(items: UpstreamItem[]): UpstreamItem[] {
  for (let i = 0; i < items.length; i++) if (!items[i]) return items.slice(0, i);
  return items;
}

const isItem = (value: unknown): value is UpstreamItem =>
  !!value && typeof value === "object" && typeof (value as UpstreamItem).type === "string";
const isResponse = (value: unknown): value is UpstreamResponse =>
  !!value && typeof value === "object" && typeof (value as UpstreamResponse).status === "string";

function describeStreamError(event: UpstreamStreamEvent): string {
  const nested = event.error as { message?: unknown } | undefined;
  const message = typeof event.message === "string" ? event.message : nested?.message;
  return typeof message === "string" && message ? message : "no message";
}

/**
 * The source's events, with a HEARTBEAT whenever it stays silent for `heartbeatMs` (a hosted tool can run for
 * minutes without an event; the chat's stream must still hear from us). The pending read survives a heartbeat.
 */
async function* withHeartbeats<T>(
  source: AsyncIterable<T>,
  options: { clock: Clock; heartbeatMs: number; signal?: AbortSignal },
): AsyncGenerator<T | typeof HEARTBEAT> {
  const iterator = source[Symbol.asyncIterator]();
  let pending: Promise<IteratorResult<T>> | undefined;
  try {
    while (!options.signal?.aborted) {
      pending ??= iterator.next();
      const result = await raceHeartbeat(pending, options);
      if (result === HEARTBEAT) {
        if (!options.signal?.aborted) yield HEARTBEAT;
        continue;
      }
      pending = undefined;
      if (result.done) return;
      yield result.value;
    }
  } finally {
    // A read still in flight fails once the caller closes the stream; nobody awaits it any more.
    pending?.catch(() => undefined);
  }
}
