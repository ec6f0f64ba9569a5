import type { UpstreamStreamEvent } from "@/lib/background";
import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import { AgentBricksItems, textOf } from "./agent-bricks-items";
import { OutputAssembler } from "./output-assembler";

/**
 * Turns an Agent Bricks invocation's events (docs/upstreams.md, "Agent Bricks") into the Responses events the
 * engine follows; one translator per invocation, across its connections.
 *
 * - Frames are `id: <n>` / `event: <type>` / `data: <the event, type included>`; ids are global across every
 *   invocation of the server (increasing, with gaps), and `?after=N` is exclusive.
 * - `run.started` (again after a crash: the agent runs the turn again), `delta {content, id}`, `message
 *   {message}`, `interrupt {id, value: {action_requests}}`, then `run.completed` (no output) or `run.failed`
 *   (no reason). The stream closes after the last.
 */
export class AgentBricksTranslator {
  private readonly assembler = new OutputAssembler();
  private readonly items: AgentBricksItems;
  lastSequence = -1;
  private named = false;
  private produced = false;
  private ended = false;

  constructor(
    readonly invocationId: string,
    /** The status the create answered with (`queued` until its session's earlier runs end). */
    private readonly initialStatus: string,
  ) {
    this.items = new AgentBricksItems(`${invocationId.slice(0, 8)}-`);
  }

  /**
   * The run as the create answered it, before any frame: a run queued behind its session's earlier ones sends
   * nothing until it starts, and the chat should say "Queued" meanwhile, not "Submitting".
   */
  opening(): UpstreamStreamEvent[] {
    if (this.named) return [];
    this.named = true;
    return [{ type: "response.created", response: this.response(this.initialStatus) }];
  }

  /** The events for one frame. */
  frame(id: string | undefined, data: string): UpstreamStreamEvent[] {
    if (this.ended) return [];
    const sequence = id !== undefined && /^\d+$/.test(id) ? Number(id) : undefined;
    if (sequence !== undefined) {
      if (sequence <= this.lastSequence) return [];
      this.lastSequence = sequence;
    }
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return [];
    }
    if (!event || typeof event !== "object") return [];
    const at = sequence !== undefined ? { sequence_number: sequence } : {};
    const events: UpstreamStreamEvent[] = this.opening();
    switch (event.type) {
      case "run.started":
        // A second start is a recovery attempt: the agent runs the turn again from its start.
        if (this.produced) events.push(...this.assembler.discardUnfinished(sequence));
        events.push({ type: "response.in_progress", response: this.response("in_progress"), ...at });
        break;
      case "delta": {
        const text = textOf(event.content);
        if (text) {
          this.produced = true;
          events.push(...this.assembler.text(String(event.id ?? "delta"), text, sequence));
        }
        break;
      }
      case "message":
      case "interrupt": {
        this.produced = true;
        const key = String(sequence ?? this.lastSequence);
        const items =
          event.type === "message"
            ? this.items.fromMessage(event.message, key)
            : this.items.fromMessage(event, key);
        for (const item of items) events.push(...this.assembler.finish(item, undefined, sequence));
        break;
      }
      case "run.completed":
        events.push(this.end("completed"));
        break;
      case "run.failed":
        events.push(this.end("failed"));
        break;
      default:
        break; // checkpoints and anything newer: nothing to show
    }
    return events;
  }

  private end(status: "completed" | "failed"): UpstreamStreamEvent {
    this.ended = true;
    const response: UpstreamResponse = {
      ...this.response(status),
      output: this.assembler.output({ withUnfinished: status === "completed" }),
      ...(status === "failed" ? { error: { message: RUN_FAILED } } : {}),
    };
    return { type: status === "completed" ? "response.completed" : "response.failed", response };
  }

  private response(status: string): UpstreamResponse {
    return { id: this.invocationId, status: fromBricksStatus(status), output: [] };
  }
}

/** Agent Bricks says no more than this about a failed run (the agent's own message stays in its logs). */
export const RUN_FAILED = "The agent's run failed (Agent Bricks does not say why: its app's logs do).";

/** `queued`, `active`, `completed`, `failed` → the Responses statuses the engine knows. */
export function fromBricksStatus(status: string): string {
  const s = status.toLowerCase();
  return s === "active" ? "in_progress" : s;
}

/** `GET /api/invocations/{id}`: the run's output (the agent's messages, and a pause's interrupt) when done. */
export function fromStatusAnswer(id: string, answer: unknown): UpstreamResponse {
  const a = (answer ?? {}) as Record<string, unknown>;
  const status = fromBricksStatus(typeof a.status === "string" ? a.status : "queued");
  if (status === "failed") {
    const error = a.error;
    const message =
      error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string"
        ? (error as { message: string }).message
        : RUN_FAILED;
    return { id, status, output: [], error: { message } };
  }
  if (status !== "completed") return { id, status, output: [] };
  const result = (a.output ?? {}) as { output?: unknown };
  const entries = Array.isArray(result.output) ? result.output : Array.isArray(a.output) ? a.output : [];
  const items = new AgentBricksItems(`${id.slice(0, 8)}-`);
  const assembler = new OutputAssembler();
  entries.forEach((entry, index) => {
    for (const item of items.fromMessage(entry, `out${index}`)) assembler.finish(item as UpstreamItem);
  });
  return { id, status, output: assembler.output({ withUnfinished: false }) };
}
