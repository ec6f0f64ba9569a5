// A live `text/event-stream` body over a response's event log: it sends what the log holds after a cursor, then
// looks again every `pollMs` until the log ends. Nothing runs unless a client is reading: the poll timer only
// exists while a pull is waiting, and a reader that cancels (or a request that is aborted) clears it at once.

import { connectionResetError } from "./faults";
import type { StreamEvent } from "./stream";

export interface EventBatch {
  /** Events after the cursor asked for, in sequence order. */
  events: StreamEvent[];
  /** No event will follow the last one in `events`. */
  ended: boolean;
  /** Sent after the last event once `ended` (LongRunningAgentServer's `data: [DONE]`). */
  trailer?: string;
}

export interface EventLogReader {
  /** Events after `sequenceNumber` (-1: all); undefined once the response is gone (past retention). */
  after(sequenceNumber: number): EventBatch | undefined;
}

const encoder = new TextEncoder();

export function formatEvent(event: StreamEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

export function eventStreamResponse(
  log: EventLogReader,
  {
    startingAfter,
    pollMs,
    signal,
    onClose,
    cutAfterBatches,
    cutAfterMs,
    format = formatEvent,
  }: {
    startingAfter: number;
    pollMs: number;
    signal?: AbortSignal;
    onClose?: () => void;
    /** A fault: after this many sends, the next read fails as a dropped connection would (no terminal event). */
    cutAfterBatches?: number;
    /** A fault: this long (real ms) after it opened, the stream is dropped as a proxy cutting it would. */
    cutAfterMs?: number;
    /** One event as it goes on the wire (default: `event:` and `data:` lines). */
    format?: (event: StreamEvent) => string;
  },
): Response {
  let cursor = startingAfter;
  let batchesSent = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;

  let cutTimer: ReturnType<typeof setTimeout> | undefined;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearTimeout(timer);
    clearTimeout(cutTimer);
    wake?.();
    signal?.removeEventListener("abort", onAbort);
    onClose?.();
  };
  function onAbort(): void {
    stop();
    try {
      controllerRef?.error(signal?.reason);
    } catch {
      // Already closed or cancelled: nothing left to end.
    }
  }
  const pause = (): Promise<void> =>
    new Promise((resolve) => {
      wake = resolve;
      timer = setTimeout(resolve, pollMs);
    });

  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        controllerRef = controller;
        if (signal?.aborted) onAbort();
        else signal?.addEventListener("abort", onAbort);
        if (cutAfterMs !== undefined && !stopped) {
          cutTimer = setTimeout(() => {
            stop();
            try {
              controller.error(connectionResetError());
            } catch {
              // Already closed: nothing left to cut.
            }
          }, cutAfterMs);
        }
      },
      async pull(controller) {
        if (cutAfterBatches !== undefined && batchesSent >= cutAfterBatches) {
          stop();
          controller.error(connectionResetError());
          return;
        }
        while (!stopped) {
          const batch = log.after(cursor);
          if (batch && (batch.events.length > 0 || (batch.ended && batch.trailer))) {
            const trailer = batch.ended ? (batch.trailer ?? "") : "";
            controller.enqueue(encoder.encode(batch.events.map(format).join("") + trailer));
            cursor = batch.events.at(-1)?.sequence_number ?? cursor;
            batchesSent += 1;
          }
          // A response gone past retention ends the stream without a terminal event, as a dropped connection would.
          if (!batch || batch.ended) {
            stop();
            controller.close();
            return;
          }
          if (batch.events.length > 0) return;
          await pause();
        }
      },
      cancel() {
        stop();
      },
    },
    // Pull only when a reader asks: the log is extended as the client reads, never ahead of it.
    { highWaterMark: 0 },
  );
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
  });
}
