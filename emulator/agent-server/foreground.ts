// Requests answered in the foreground, as MLflow's AgentServer answers them (and as the server answers every
// request when it has no database): the answer comes once the run is over, nothing is stored, and it has no
// id to retrieve it by.

import { jsonResponse } from "../errors";
import { newResponseHex } from "../ids";
import type { EventLogReader } from "../sse";
import { STREAM_TICK_MS, type StreamEvent } from "../stream";
import type { Timeline } from "../timeline";
import { AgentEventLog } from "./events";
import { finalFrame, frameAt } from "./frames";
import { planRun } from "./plan";
import { finishedShape } from "./shapes";
import { DONE_TRAILER, detail } from "./wire";

/** The OpenAI Agents SDK's response id before the server replaces it, which only a background run does. */
const PLACEHOLDER_ID = "__fake_id__";

/** How many events go out per write, so a stream fault can cut a foreground stream part-way too. */
const EVENTS_PER_WRITE = 32;

/** `stream` false: the invoke result (no id, no status), or a 500 with the run's error. */
export function invokeAnswer(timeline: Timeline): Response {
  const frame = finalFrame(planRun(timeline, "invoke"), newResponseHex());
  if (frame.end?.status === "failed") return detail(500, frame.end.message);
  return jsonResponse(200, {
    object: "response",
    output: frame.items.map(finishedShape),
    custom_outputs: {},
  });
}

/** `stream` true: every event of the whole run, the run being over by the time the answer starts. */
export function foregroundEvents(timeline: Timeline, nowMs: number): StreamEvent[] {
  const plan = planRun(timeline, "stream");
  const log = new AgentEventLog({
    responseId: PLACEHOLDER_ID,
    conversationBase: PLACEHOLDER_ID,
    turnEnds: plan.turnEnds,
  });
  const hex = newResponseHex();
  const at = Math.floor(nowMs / 1000);
  for (let tick = 0; !log.ended; tick++) {
    const frame = frameAt(plan, { first: hex, second: hex }, tick * STREAM_TICK_MS);
    if (frame) log.record(frame, at);
  }
  return log.events;
}

/** The events in writes of a few, then `[DONE]`: MLflow ends a foreground stream so even after an error. */
export function foregroundReader(events: StreamEvent[]): EventLogReader {
  return {
    after: (sequenceNumber) => {
      const from = sequenceNumber + 1;
      const batch = events.slice(from, from + EVENTS_PER_WRITE);
      return { events: batch, ended: from + batch.length >= events.length, trailer: DONE_TRAILER };
    },
  };
}
