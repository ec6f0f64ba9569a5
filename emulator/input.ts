import { itemId } from "./ids";
import type { JsonObject } from "./types";

/** Request `input` as a list of items: a bare string is one user message. */
export function inputItems(input: string | JsonObject[]): JsonObject[] {
  return typeof input === "string" ? [{ type: "message", role: "user", content: input }] : input;
}

/** Both `{type: "message", role, content}` and the short `{role, content}` form are messages. */
export function isMessage(item: JsonObject): boolean {
  return item.type === "message" || (item.type === undefined && typeof item.role === "string");
}

/** Text of a message's content: a string, or the text of its `input_text` / `output_text` parts. */
export function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: unknown) => {
      if (typeof part !== "object" || part === null) return "";
      const text = (part as JsonObject).text;
      return typeof text === "string" ? text : "";
    })
    .filter((text) => text.length > 0)
    .join("\n");
}

/** The scenario and the answer depend on the last user message, like a real agent's reply. */
export function lastUserText(items: JsonObject[]): string {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item && isMessage(item) && item.role === "user") return contentText(item.content);
  }
  return "";
}

export function userTurns(items: JsonObject[]): number {
  return items.filter((item) => isMessage(item) && item.role === "user").length;
}

/** Rough token count for `usage`: words of every string in the input. */
export function inputWordCount(items: JsonObject[], instructions: string | null): number {
  let count = instructions ? countWords(instructions) : 0;
  const visit = (value: unknown): void => {
    if (typeof value === "string") count += countWords(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) Object.values(value).forEach(visit);
  };
  for (const item of items) {
    if (isMessage(item)) visit(item.content);
    else visit(item.arguments ?? item.output ?? "");
  }
  return count;
}

export function countWords(text: string): number {
  return text.split(/\s+/).filter((word) => word.length > 0).length;
}

const APPROVAL_TYPES = new Set(["mcp_approval_request", "mcp_approval_response"]);

/**
 * Quirk 1 in docs/upstreams.md: the Databricks background output starts with copies of the input's assistant messages,
 * function calls and function call outputs (approval items only behind a switch: unconfirmed upstream).
 * Copies keep the input's id; items without one get a fresh id, except function_call_output which never has one.
 */
export function echoedItems(items: JsonObject[], hex: string, echoApprovals: boolean): JsonObject[] {
  const echoed: JsonObject[] = [];
  for (const item of items) {
    const position = echoed.length;
    if (isMessage(item) && item.role === "assistant") {
      echoed.push({ ...item, type: "message", id: ownId(item) ?? itemId("msg", hex, position) });
    } else if (item.type === "function_call") {
      echoed.push({ ...item, id: ownId(item) ?? itemId("fc", hex, position) });
    } else if (item.type === "function_call_output") {
      const { id: _dropped, ...copy } = item;
      echoed.push(copy);
    } else if (echoApprovals && typeof item.type === "string" && APPROVAL_TYPES.has(item.type)) {
      echoed.push({ ...item });
    }
  }
  return echoed;
}

function ownId(item: JsonObject): string | undefined {
  return typeof item.id === "string" && item.id.length > 0 ? item.id : undefined;
}
