import { CONVERSATION_MOVED_EVENT, type UpstreamStreamEvent } from "@/lib/background";
import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import { OutputAssembler } from "./output-assembler";

/**
 * Turns a LongRunningAgentServer's event stream (docs/upstreams.md, "LongRunningAgentServer") into the
 * Responses events the engine follows. One translator follows one run across its connections: it drops what a
 * re-opened stream sends again (by sequence number), and keeps the output it has built.
 *
 * - Frames are `data:` lines only. Each carries `sequence_number` and `response_id`, except on a server without
 *   a database, whose foreground stream has neither (it cannot be resumed).
 * - `response.created` / `response.completed` come once per model turn: never the end of the run.
 * - The end is `data: [DONE]` (completed) or an error frame (failed): `{type: "error", error: {...}}`, or an
 *   `{error}` with no type at all.
 * - `response.resumed`: the worker died and another attempt took the run over, under a new conversation id.
 */
export class AgentServerTranslator {
  private readonly assembler = new OutputAssembler();
  /** The highest sequence number handled: a resume asks for what follows it. */
  lastSequence = -1;
  private named = false;
  private ended = false;

  constructor(
    /** The run's id, once known (from the first frame of a stream that created it). */
    public responseId: string | undefined,
    private readonly foregroundId: () => string,
  ) {}

  /** Whether this run can be re-opened: a foreground stream (no database upstream) cannot. */
  get resumable(): boolean {
    return !!this.responseId && !this.responseId.startsWith(FOREGROUND_PREFIX);
  }

  /** The events for one frame's `data`. */
  frame(data: string): UpstreamStreamEvent[] {
    if (this.ended) return [];
    if (data.trim() === "[DONE]") return this.end({ status: "completed" });
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return []; // a frame cut mid-way by a dropped connection; the resume sends it again
    }
    if (!frame || typeof frame !== "object") return [];
    const sequence = typeof frame.sequence_number === "number" ? frame.sequence_number : undefined;
    if (sequence !== undefined) {
      // `starting_after=0` sends seq 0 again, and the server re-sends it when a poll ends on it.
      if (sequence <= this.lastSequence) return [];
      this.lastSequence = sequence;
    }
    const events: UpstreamStreamEvent[] = [];
    if (!this.named) {
      this.named = true;
      if (!this.responseId)
        this.responseId = typeof frame.response_id === "string" ? frame.response_id : this.foregroundId();
      events.push({
        type: "response.created",
        response: { id: this.responseId, status: "in_progress", output: [] },
        ...(sequence !== undefined ? { sequence_number: sequence } : {}),
      });
    }
    events.push(...this.handle(frame, sequence));
    return events;
  }

  private handle(frame: Record<string, unknown>, sequence: number | undefined): UpstreamStreamEvent[] {
    const type = frame.type;
    if (type === "error" || (type === undefined && frame.error !== undefined)) {
      return this.end({ status: "failed", error: errorOf(frame.error) });
    }
    switch (type) {
      case "response.output_text.delta":
        return typeof frame.item_id === "string" && typeof frame.delta === "string"
          ? this.assembler.text(frame.item_id, frame.delta, sequence)
          : [];
      case "response.output_item.added": {
        const item = frame.item as UpstreamItem | undefined;
        if (item?.type === "message" && typeof item.id === "string") this.assembler.begin(item.id);
        return [];
      }
      case "response.output_item.done": {
        const item = frame.item as UpstreamItem | undefined;
        if (!item || typeof item.type !== "string") return [];
        const key = item.type === "message" && typeof item.id === "string" ? item.id : undefined;
        return this.assembler.finish(item, key, sequence);
      }
      case "response.resumed": {
        const events = this.assembler.discardUnfinished(sequence);
        if (typeof frame.conversation_id === "string" && frame.conversation_id) {
          events.push({
            type: CONVERSATION_MOVED_EVENT,
            conversation_id: frame.conversation_id,
            ...(sequence !== undefined ? { sequence_number: sequence } : {}),
          });
        }
        return events;
      }
      default:
        // Per-turn lifecycle, content parts, argument and reasoning deltas, the trace id: nothing to show.
        return [];
    }
  }

  private end(outcome: Pick<UpstreamResponse, "status" | "error">): UpstreamStreamEvent[] {
    this.ended = true;
    const response: UpstreamResponse = {
      id: this.responseId ?? this.foregroundId(),
      output: this.assembler.output({ withUnfinished: outcome.status === "completed" }),
      ...outcome,
    };
    const type = outcome.status === "completed" ? "response.completed" : "response.failed";
    return [{ type, response }];
  }
}

/** Ids given to runs a server without a database ran in the foreground: they exist only in that answer. */
export const FOREGROUND_PREFIX = "foreground_";

export function errorOf(error: unknown): UpstreamResponse["error"] {
  if (typeof error === "string") return { message: error };
  const e = (error ?? {}) as { message?: unknown; code?: unknown };
  return {
    message:
      typeof e.message === "string" && e.message ? e.message : "The agent's run failed without a message.",
    ...(typeof e.code === "string" ? { code: e.code } : {}),
  };
}
