// An invocation's events as the runtime streams them: `id:`, `event:` and `data:` lines per event (the data being
// the whole event in Python's JSON style), nothing else: no keep-alives, no `retry:`, no end marker. The stream
// closes right after the run's terminal event.

import { eventStreamResponse } from "../sse";
import type { StreamEvent } from "../stream";
import type { SessionContract } from "./options";
import type { Invocation, InvocationStore } from "./store";
import { pythonJson } from "./wire";

export function formatBricksEvent(event: StreamEvent): string {
  const { sequence_number: id, ...data } = event;
  return `id: ${id}\nevent: ${event.type}\ndata: ${pythonJson(data)}\n\n`;
}

export function invocationStream(
  store: InvocationStore,
  invocation: Invocation,
  {
    after,
    pollMs,
    signal,
    cut,
    cutAfterMs,
    contract,
    onClose,
  }: {
    /** Events after this id (exclusive) are sent. */
    after: number;
    pollMs: number;
    signal: AbortSignal;
    /** A fault: the connection drops after two sends. */
    cut: boolean;
    cutAfterMs: number | undefined;
    contract: SessionContract;
    onClose: () => void;
  },
): Response {
  const live = eventStreamResponse(
    { after: (cursor) => store.eventsAfter(invocation, cursor) },
    {
      startingAfter: after,
      pollMs,
      signal,
      onClose,
      cutAfterBatches: cut ? 2 : undefined,
      cutAfterMs,
      format: formatBricksEvent,
    },
  );
  // Starlette's StreamingResponse sends only the media type; the body-session version adds anti-buffering hints.
  const headers: Record<string, string> = { "content-type": "text/event-stream; charset=utf-8" };
  if (contract === "body") Object.assign(headers, { "cache-control": "no-cache", "x-accel-buffering": "no" });
  return new Response(live.body, { status: 200, headers });
}
