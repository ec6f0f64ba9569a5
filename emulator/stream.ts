// The streaming events of one background response (`stream: true`), as OpenAI's Responses API sends them. They
// are derived by rendering the run at fixed instants of scenario time and diffing each frame against the last:
// a new item is `output_item.added`, grown text is a delta, a finished item is `output_item.done`, and MCP calls,
// tool listings and citations get the events OpenAI sends for them (`mcp_call.*`, `mcp_list_tools.*`,
// `output_text.annotation.added`). Rendering is a pure function of time, so the log up to any instant is the
// same whoever reads it first; a resume (`starting_after`) therefore sees exactly the continuation, with the
// same sequence numbers.

import type { JsonObject, ResponseObject, ResponseStatus } from "./types";

/** Scenario milliseconds between two rendered frames, and at most as many real ones (`ResponseStore.catchUp`). */
export const STREAM_TICK_MS = 50;

/** One event as sent on the wire: `event: <type>` and `data: <this as JSON>`. */
export type StreamEvent = JsonObject & { type: string; sequence_number: number };

/** A response rendered at one instant. */
export interface Frame {
  response: ResponseObject;
  /** The last output item is still being written; every earlier one is final. */
  lastOpen: boolean;
}

/** The event closing the stream, per terminal status. `response.cancelled` is not in the SDK's union (README). */
const TERMINAL_EVENT: Partial<Record<ResponseStatus, string>> = {
  completed: "response.completed",
  failed: "response.failed",
  incomplete: "response.incomplete",
  cancelled: "response.cancelled",
};

interface AnnouncedItem {
  /** The item as the stream last described it. */
  item: JsonObject;
  done: boolean;
}

type Part = JsonObject & { type?: unknown; text?: unknown };

export class ResponseEventLog {
  readonly events: StreamEvent[] = [];
  /** The next frame to render (`ResponseStore.catchUp` says which instant frame `n` shows). */
  nextTick = 0;
  private phase: "new" | "queued" | "in_progress" | "ended" = "new";
  private readonly items: AnnouncedItem[] = [];

  get ended(): boolean {
    return this.phase === "ended";
  }

  /** Appends the events that lead from the previous frame to this one; a terminal frame ends the log. */
  record({ response, lastOpen }: Frame): void {
    if (this.phase === "ended") return;
    if (this.phase === "new") {
      // A background response is accepted as queued, however soon it starts.
      this.emit("response.created", { response: lifecycle(response, "queued") });
      this.emit("response.queued", { response: lifecycle(response, "queued") });
      this.phase = "queued";
    }
    if (response.status === "queued") return;
    if (this.phase === "queued") {
      this.emit("response.in_progress", { response: lifecycle(response, "in_progress") });
      this.phase = "in_progress";
    }
    const { output } = response;
    const settled = lastOpen && response.status === "in_progress" ? output.length - 1 : output.length;
    for (const [index, item] of output.entries()) this.item(index, item, index < settled);
    if (response.status !== "in_progress") this.end(response);
  }

  /**
   * Ends the log with `response`'s terminal event. After a cancel, `record` the frame the run had reached first:
   * the item then being written gets no `done` (GET keeps showing it `in_progress`).
   */
  end(response: ResponseObject): void {
    if (this.phase === "ended") return;
    const type = TERMINAL_EVENT[response.status];
    if (!type) throw new Error(`A '${response.status}' response cannot end a stream.`);
    this.emit(type, { response });
    this.phase = "ended";
  }

  private item(index: number, item: JsonObject, settled: boolean): void {
    let announced = this.items[index];
    if (!announced) {
      announced = { item: startingShape(item), done: false };
      this.items[index] = announced;
      this.announce(index, announced.item);
    }
    if (announced.done) return;
    this.grow(index, announced.item, item);
    announced.item = item;
    if (settled) {
      this.finish(index, item);
      announced.done = true;
    }
  }

  /** A new item, and for an MCP call or tool listing the event saying the server is at work on it. */
  private announce(index: number, start: JsonObject): void {
    this.emit("response.output_item.added", { output_index: index, item: start });
    const at = { item_id: itemId(start), output_index: index };
    if (start.type === "mcp_call") this.emit("response.mcp_call.in_progress", at);
    if (start.type === "mcp_list_tools") this.emit("response.mcp_list_tools.in_progress", at);
  }

  /** Deltas from what was announced to what the item shows now. */
  private grow(index: number, before: JsonObject, now: JsonObject): void {
    const at = { item_id: itemId(now), output_index: index };
    switch (now.type) {
      case "message":
        this.growMessage(at, before, now);
        return;
      case "reasoning":
        partsOf(now.summary).forEach((part, summary_index) => {
          const old = partsOf(before.summary)[summary_index];
          if (!old)
            this.emit("response.reasoning_summary_part.added", {
              ...at,
              summary_index,
              part: { ...part, text: "" },
            });
          const delta = added(old?.text, part.text);
          if (delta) this.emit("response.reasoning_summary_text.delta", { ...at, summary_index, delta });
        });
        return;
      case "function_call": {
        const delta = added(before.arguments, now.arguments);
        if (delta) this.emit("response.function_call_arguments.delta", { ...at, delta });
        return;
      }
      case "mcp_call": {
        const delta = added(before.arguments, now.arguments);
        if (delta) this.emit("response.mcp_call_arguments.delta", { ...at, delta });
        // The arguments are complete once the call leaves `in_progress`: the tool is being called.
        if (before.status === "in_progress" && now.status !== "in_progress")
          this.emit("response.mcp_call_arguments.done", { ...at, arguments: now.arguments });
        return;
      }
    }
  }

  /** New content parts, the text added to each, then the citations of the text sent so far. */
  private growMessage(at: JsonObject, before: JsonObject, now: JsonObject): void {
    partsOf(now.content).forEach((part, content_index) => {
      const old = partsOf(before.content)[content_index];
      if (!old) {
        const empty = part.type === "output_text" ? { ...part, text: "", annotations: [] } : part;
        this.emit("response.content_part.added", { ...at, content_index, part: empty });
      }
      const delta = added(old?.text, part.text);
      if (delta) this.emit("response.output_text.delta", { ...at, content_index, delta, logprobs: [] });
      const known = partsOf(old?.annotations).length;
      partsOf(part.annotations).forEach((annotation, annotation_index) => {
        if (annotation_index >= known)
          this.emit("response.output_text.annotation.added", {
            ...at,
            content_index,
            annotation_index,
            annotation,
          });
      });
    });
  }

  private finish(index: number, item: JsonObject): void {
    const at = { item_id: itemId(item), output_index: index };
    switch (item.type) {
      case "message":
        partsOf(item.content).forEach((part, content_index) => {
          if (part.type === "output_text")
            this.emit("response.output_text.done", { ...at, content_index, text: part.text, logprobs: [] });
          this.emit("response.content_part.done", { ...at, content_index, part });
        });
        break;
      case "reasoning":
        partsOf(item.summary).forEach((part, summary_index) => {
          this.emit("response.reasoning_summary_text.done", { ...at, summary_index, text: part.text });
          this.emit("response.reasoning_summary_part.done", { ...at, summary_index, part });
        });
        break;
      case "function_call":
        this.emit("response.function_call_arguments.done", {
          ...at,
          name: item.name,
          arguments: item.arguments,
        });
        break;
      case "mcp_call":
        this.emit(
          item.status === "failed" || item.error ? "response.mcp_call.failed" : "response.mcp_call.completed",
          at,
        );
        break;
      case "mcp_list_tools":
        this.emit(item.error ? "response.mcp_list_tools.failed" : "response.mcp_list_tools.completed", at);
        break;
    }
    this.emit("response.output_item.done", { output_index: index, item });
  }

  private emit(type: string, fields: JsonObject): void {
    this.events.push({ type, sequence_number: this.events.length, ...fields });
  }
}

/** The response as the lifecycle events show it: nothing produced yet (items follow as their own events). */
function lifecycle(response: ResponseObject, status: "queued" | "in_progress"): ResponseObject {
  const { completed_at: _notYet, ...rest } = response;
  return { ...rest, status, output: [], error: null, incomplete_details: null, usage: null };
}

/** An item as `output_item.added` shows it: in progress, with its text still to come as deltas. */
function startingShape(item: JsonObject): JsonObject {
  switch (item.type) {
    case "message":
      return { ...item, status: "in_progress", content: [] };
    case "reasoning":
      return { ...item, status: "in_progress", summary: [] };
    case "function_call":
      return { ...item, status: "in_progress", arguments: "" };
    case "mcp_call":
      // Its arguments follow as deltas, its output when the call returns.
      return { ...item, status: "in_progress", arguments: "", output: null, error: null };
    case "mcp_list_tools":
      return { ...item, tools: [] };
    default:
      // Other items (approval requests, items no client knows) are announced as first seen.
      return item;
  }
}

function itemId(item: JsonObject): string | null {
  return typeof item.id === "string" ? item.id : null;
}

function partsOf(value: unknown): Part[] {
  return Array.isArray(value) ? (value as Part[]) : [];
}

/** What `now` adds to `before`; renders only ever grow a text, so `before` is its prefix. */
function added(before: unknown, now: unknown): string {
  const old = typeof before === "string" ? before : "";
  return typeof now === "string" ? now.slice(old.length) : "";
}
