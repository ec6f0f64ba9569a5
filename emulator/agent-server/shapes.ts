// Items as the agent's events carry them, in the shapes of the app templates' OpenAI Agents SDK agent: what an
// item looks like when it is announced (`output_item.added`) and when it is finished (`output_item.done`).

import type { JsonObject } from "../types";

/** Items written piece by piece (added, deltas, done); every other item is written once, finished. */
const STREAMED = new Set(["message", "reasoning", "function_call"]);

export function isStreamed(item: JsonObject): boolean {
  return typeof item.type === "string" && STREAMED.has(item.type);
}

/** An item as `output_item.added` shows it: nothing written yet. */
export function startingShape(item: JsonObject): JsonObject {
  switch (item.type) {
    case "message":
      return { id: item.id, type: "message", role: "assistant", status: "in_progress", content: [] };
    case "reasoning":
      return { id: item.id, type: "reasoning", summary: [] };
    case "function_call":
      return { id: item.id, type: "function_call", call_id: item.call_id, name: item.name, arguments: "" };
    default:
      return item;
  }
}

/**
 * A finished item. A tool's output has no id (the SDK builds it from the call id and the output alone); a
 * message is `completed` even when the model was cut short: the server knows nothing finer.
 */
export function finishedShape(item: JsonObject): JsonObject {
  switch (item.type) {
    case "message":
      return { id: item.id, type: "message", role: "assistant", status: "completed", content: item.content };
    case "reasoning":
      return { id: item.id, type: "reasoning", summary: item.summary };
    case "function_call":
      return {
        id: item.id,
        type: "function_call",
        call_id: item.call_id,
        name: item.name,
        arguments: item.arguments,
      };
    case "function_call_output":
      return { call_id: item.call_id, output: item.output, type: "function_call_output" };
    default:
      return item;
  }
}

export type Part = JsonObject & { text?: unknown };

export function partsOf(value: unknown): Part[] {
  return Array.isArray(value) ? (value as Part[]) : [];
}

/** What `now` adds to `before`; a rendered text only ever grows, so `before` is its prefix. */
export function addedText(before: unknown, now: unknown): string {
  const old = typeof before === "string" ? before : "";
  return typeof now === "string" ? now.slice(old.length) : "";
}
