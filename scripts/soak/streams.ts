// How the emulator's event streams ended, seen from the emulator's side of the wire: the soak's count of stream
// cuts. The emulator counts the faults it injects but not the streams its `streamCutMs` drops, so the soak wraps
// the emulator's handler and watches every `text/event-stream` body it answers.

import { type Emulator, isConnectionReset } from "@/emulator";

export interface StreamTally {
  /** Event streams answered: to a create (`POST …/responses`) and to a resume (`GET …?stream=true`). */
  opened: { create: number; resume: number };
  /** Ended by the server: the run's end was sent ([DONE] or an error frame), or nothing more was to come. */
  ended: number;
  /** Dropped `streamCutMs` after they opened, as the Databricks Apps proxy drops long connections. */
  cutByTime: number;
  /** Dropped sooner, by an injected fault (`malformed` on a stream cuts it after two writes). */
  cutByFault: number;
  /** Closed by the app (it stopped following, or handed the run over) before either. */
  closedByClient: number;
  /**
   * Plain `GET …/responses/{id}` (no stream): the app polling a run, which it does when a stream cannot be
   * re-opened. This server shows no output while a run is in progress, so a polled run shows its items at its end.
   */
  polls: number;
  /** Runs polled at least once. */
  polledRuns: number;
}

/**
 * Wraps `emulator.handle` (the standalone server looks it up on every request) so each event-stream body is
 * read through a pass-through that notes how it ended. The pass-through pulls only when the server does, as
 * the emulator's own stream does, so the emulator still extends a run's log only as fast as the client reads.
 */
export function tallyStreams(emulator: Emulator, cutAfterMs: number | undefined): StreamTally {
  const tally: StreamTally = {
    opened: { create: 0, resume: 0 },
    ended: 0,
    cutByTime: 0,
    cutByFault: 0,
    closedByClient: 0,
    polls: 0,
    polledRuns: 0,
  };
  const polled = new Set<string>();
  const handle = emulator.handle.bind(emulator);
  emulator.handle = async (request) => {
    const url = new URL(request.url);
    const id = /\/responses\/([^/]+)$/.exec(url.pathname)?.[1];
    if (request.method.toUpperCase() === "GET" && id && url.searchParams.get("stream") !== "true") {
      tally.polls += 1;
      if (!polled.has(id)) tally.polledRuns += 1;
      polled.add(id);
    }
    const response = await handle(request);
    if (!response.body || !/text\/event-stream/i.test(response.headers.get("content-type") ?? "")) {
      return response;
    }
    tally.opened[request.method.toUpperCase() === "POST" ? "create" : "resume"] += 1;
    const openedAt = Date.now();
    const reader = response.body.getReader();
    let settled = false;
    const settle = (how: "ended" | "cut" | "client") => {
      if (settled) return;
      settled = true;
      if (how === "ended") tally.ended += 1;
      else if (how === "client") tally.closedByClient += 1;
      // The cut timer starts when the emulator builds the stream, just before this wrapper: a timer fires late,
      // never early, so a stream dropped at or after `streamCutMs` was dropped by the timer.
      else if (cutAfterMs !== undefined && Date.now() - openedAt >= cutAfterMs - 5) tally.cutByTime += 1;
      else tally.cutByFault += 1;
    };
    const body = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          try {
            const { done, value } = await reader.read();
            if (done) {
              settle("ended");
              controller.close();
            } else {
              controller.enqueue(value);
            }
          } catch (error) {
            settle(isConnectionReset(error) ? "cut" : "client");
            controller.error(error);
          }
        },
        cancel(reason) {
          settle("client");
          return reader.cancel(reason);
        },
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return tally;
}
