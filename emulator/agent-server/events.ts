// A run's persisted events, as LongRunningAgentServer stores them for the app templates' agent: one
// `response.created` … `response.completed` pair per model turn (a turn ends after the function calls it made),
// the tools' outputs as bare `output_item.done`s between turns, `response.resumed` when a second worker takes a
// crashed run over, and a nested `error` event when the run fails. They are derived by diffing successive frames:
// a new item is announced, grown text becomes deltas, a finished item is done.

import type { StreamEvent } from "../stream";
import type { JsonObject } from "../types";
import type { AgentFrame, RunEnd } from "./frames";
import { addedText, finishedShape, isStreamed, partsOf, startingShape } from "./shapes";

export type RunStatus = "in_progress" | "completed" | "failed";

/** The `error` object of a failed run, in its event and in GET's answer. */
export interface TaskError {
  message: string;
  type: "server_error";
  code: "task_failed";
}

export interface LogIdentity {
  /** `response.id` in the turn events: the run's id, or the SDK's placeholder when nothing is stored. */
  responseId: string;
  /** What a resumed attempt's conversation id is built on (`<base>::attempt-2`). */
  conversationBase: string;
  /** Positions of the function calls after which a model turn ends. */
  turnEnds: ReadonlySet<number>;
}

interface Announced {
  outputIndex: number;
  /** The item as the events last described it. */
  item: JsonObject;
  done: boolean;
}

interface Turn {
  createdAt: number;
  items: JsonObject[];
  nextIndex: number;
}

export class AgentEventLog {
  readonly events: StreamEvent[] = [];
  /** Every item an `output_item.done` carried, over all attempts, in sequence order: GET's `output`. */
  readonly doneItems: JsonObject[] = [];
  status: RunStatus = "in_progress";
  error: TaskError | undefined;
  attempt = 1;
  private started = false;
  private turn: Turn | undefined;
  private readonly announced = new Map<number, Announced>();

  constructor(private readonly identity: LogIdentity) {}

  get ended(): boolean {
    return this.status !== "in_progress";
  }

  /** Appends the events leading from the previous frame to this one; `at`: the frame's time, in seconds. */
  record(frame: AgentFrame, at: number): void {
    if (this.ended) return;
    if (frame.attempt > this.attempt) this.resume(frame, at);
    if (frame.writes === "invoke") {
      if (frame.end) this.writeResult(frame, frame.end);
      return;
    }
    if (!this.started) {
      this.started = true;
      this.openTurn(at);
    }
    frame.items.forEach((item, position) => {
      this.item(position, item, position < frame.settled, at);
    });
    if (frame.end) this.finish(frame.end);
  }

  /** A second worker takes over: the sentinel, then a new model turn redoing what was unfinished. */
  private resume(frame: AgentFrame, at: number): void {
    const { conversationBase } = this.identity;
    this.emit("response.resumed", {
      attempt: frame.attempt,
      from_seq: this.events.length,
      conversation_id: `${conversationBase}::attempt-${frame.attempt}`,
    });
    this.attempt = frame.attempt;
    for (const position of [...this.announced.keys()]) {
      if (position >= (frame.redoFrom ?? 0)) this.announced.delete(position);
    }
    this.turn = undefined;
    this.started = true;
    this.openTurn(at);
  }

  /** An invoke run persists its finished items only, all at once, without turns; a failure persists none. */
  private writeResult(frame: AgentFrame, end: RunEnd): void {
    if (end.status === "completed") for (const item of frame.items) this.done(finishedShape(item));
    this.finish(end);
  }

  private item(position: number, item: JsonObject, settled: boolean, at: number): void {
    const known = this.announced.get(position);
    if (known?.done) return;
    if (item.type === "function_call_output") {
      // A tool's output is written between model turns, with no output_index.
      if (!settled) return;
      this.closeTurn();
      this.done(finishedShape(item));
      this.announced.set(position, { outputIndex: -1, item, done: true });
      return;
    }
    const turn = this.turn ?? this.openTurn(at);
    if (!isStreamed(item)) {
      if (!settled) return;
      this.finishItem(position, { outputIndex: turn.nextIndex++, item, done: false }, item, turn);
      return;
    }
    let entry = known;
    if (!entry) {
      entry = { outputIndex: turn.nextIndex++, item: startingShape(item), done: false };
      this.announced.set(position, entry);
      this.emit("response.output_item.added", { item: entry.item, output_index: entry.outputIndex });
    }
    this.grow(entry, item);
    entry.item = item;
    if (settled) this.finishItem(position, entry, item, turn);
  }

  private grow({ outputIndex: output_index, item: before }: Announced, now: JsonObject): void {
    const at = { item_id: now.id, output_index };
    if (now.type === "message") {
      partsOf(now.content).forEach((part, content_index) => {
        const old = partsOf(before.content)[content_index];
        if (!old) {
          const part = { type: "output_text", text: "", annotations: [] };
          this.emit("response.content_part.added", { ...at, content_index, part });
        }
        const delta = addedText(old?.text, part.text);
        if (delta) this.emit("response.output_text.delta", { ...at, content_index, delta });
      });
    } else if (now.type === "reasoning") {
      partsOf(now.summary).forEach((part, summary_index) => {
        const old = partsOf(before.summary)[summary_index];
        if (!old) {
          const part = { type: "summary_text", text: "" };
          this.emit("response.reasoning_summary_part.added", { ...at, summary_index, part });
        }
        const delta = addedText(old?.text, part.text);
        if (delta) this.emit("response.reasoning_summary_text.delta", { ...at, summary_index, delta });
      });
    } else if (now.type === "function_call") {
      const delta = addedText(before.arguments, now.arguments);
      if (delta) this.emit("response.function_call_arguments.delta", { ...at, delta });
    }
  }

  private finishItem(position: number, entry: Announced, item: JsonObject, turn: Turn): void {
    const at = { item_id: item.id, output_index: entry.outputIndex };
    if (item.type === "message") {
      partsOf(item.content).forEach((part, content_index) => {
        this.emit("response.content_part.done", { ...at, content_index, part });
      });
    } else if (item.type === "reasoning") {
      partsOf(item.summary).forEach((part, summary_index) => {
        this.emit("response.reasoning_summary_part.done", { ...at, summary_index, part });
      });
    }
    const finished = finishedShape(item);
    this.done(finished, entry.outputIndex);
    turn.items.push(finished);
    this.announced.set(position, { ...entry, item, done: true });
    if (this.identity.turnEnds.has(position)) this.closeTurn();
  }

  private done(item: JsonObject, outputIndex?: number): void {
    this.emit(
      "response.output_item.done",
      outputIndex === undefined ? { item } : { item, output_index: outputIndex },
    );
    this.doneItems.push(item);
  }

  private openTurn(at: number): Turn {
    this.closeTurn();
    const turn = { createdAt: at, items: [], nextIndex: 0 };
    this.emit("response.created", { response: { ...this.response(turn), status: null } });
    this.turn = turn;
    return turn;
  }

  private closeTurn(): void {
    const { turn } = this;
    if (!turn) return;
    this.emit("response.completed", { response: this.response(turn) });
    this.turn = undefined;
  }

  private response(turn: Turn): JsonObject {
    return {
      id: this.identity.responseId,
      object: "response",
      created_at: turn.createdAt,
      output: [...turn.items],
    };
  }

  private finish(end: RunEnd): void {
    if (end.status === "completed") {
      this.closeTurn();
      this.status = "completed";
      return;
    }
    // The model call died mid-turn: no `response.completed`, and the item it was writing is never done.
    this.error = { message: end.message, type: "server_error", code: "task_failed" };
    this.emit("error", { error: this.error });
    this.status = "failed";
  }

  private emit(type: string, fields: JsonObject): void {
    this.events.push({ type, ...fields, sequence_number: this.events.length });
  }
}
