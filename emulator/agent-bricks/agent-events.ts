// The OpenAI template adapter's events, derived from rendered frames of a scenario: the assistant's text as it
// grows becomes `delta`s, and every finished item becomes one `message` carrying the adapter's normalised shape.
// MCP approval requests are what the agent pauses on: they are collected for the `interrupt` that ends the run.

import type { JsonObject } from "../types";
import type { ActionRequest } from "./turn";

export type AgentEvent = JsonObject & { type: string };

/** An event and the real time (ms on the emulator's clock) at which the runtime writes it. */
export interface TimedEvent {
  atMs: number;
  event: AgentEvent;
}

/** An item the agent finished, as a Responses item (for `inspect()`), and when. */
export interface FinishedItem {
  atMs: number;
  item: JsonObject;
}

interface Seen {
  /** The assistant text already sent as deltas. */
  text: string;
  done: boolean;
}

export class AgentEventLog {
  readonly events: TimedEvent[] = [];
  readonly finished: FinishedItem[] = [];
  /** The normalised messages, in order: what the adapter returns as the run's `output`. */
  readonly messages: JsonObject[] = [];
  readonly actionRequests: ActionRequest[] = [];
  private readonly seen: Seen[] = [];
  private readonly callNames = new Map<string, string>();

  /** The events leading from the previous frame to this one; every item but an open last one is final. */
  record(items: JsonObject[], lastOpen: boolean, atMs: number): void {
    const settled = lastOpen ? items.length - 1 : items.length;
    for (const [index, item] of items.entries()) {
      let seen = this.seen[index];
      if (!seen) {
        seen = { text: "", done: false };
        this.seen[index] = seen;
      }
      if (seen.done) continue;
      if (item.type === "message") {
        const text = messageText(item);
        if (text.length > seen.text.length && text.startsWith(seen.text)) {
          this.emit(atMs, { type: "delta", content: text.slice(seen.text.length), id: item.id });
          seen.text = text;
        }
      }
      if (index < settled) {
        this.finish(item, atMs);
        seen.done = true;
      }
    }
  }

  /** The pause this run ends in, as the adapter emits it once the agent's stream is over. */
  interrupt(): AgentEvent | undefined {
    const [first] = this.actionRequests;
    if (!first) return undefined;
    return {
      type: "interrupt",
      id: first.call_id,
      value: {
        action_requests: this.actionRequests.map(({ name, args, call_id }) => ({ name, args, call_id })),
      },
    };
  }

  private finish(item: JsonObject, atMs: number): void {
    switch (item.type) {
      case "message":
        this.message(atMs, { role: "assistant", content: messageText(item) });
        this.done(atMs, item);
        return;
      case "reasoning":
        this.message(atMs, { role: "assistant", content: [{ type: "reasoning", summary: item.summary }] });
        this.done(atMs, item);
        return;
      case "function_call": {
        const name = String(item.name);
        this.callNames.set(String(item.call_id), name);
        this.message(atMs, toolCall(name, item.arguments));
        this.done(atMs, item);
        return;
      }
      case "function_call_output": {
        const name = this.callNames.get(String(item.call_id)) ?? null;
        this.message(atMs, { role: "tool", name, content: outputText(item.output) });
        this.done(atMs, item);
        return;
      }
      case "mcp_approval_request":
        this.approvalRequest(item, atMs);
        return;
      case "mcp_call":
        this.mcpCall(item, atMs);
        return;
      default:
        // Tool lists and item types the adapter does not know are not normalised, so nothing is emitted.
        return;
    }
  }

  /** A tool that needs approval: its call is announced, then the run pauses on it (see `interrupt`). */
  private approvalRequest(item: JsonObject, atMs: number): void {
    const callId = `call_${String(item.id).replace(/^mcpr_/, "")}`;
    const name = String(item.name);
    const request: ActionRequest = {
      name,
      args: parseArgs(item.arguments),
      call_id: callId,
      server: String(item.server_label ?? "mcp"),
    };
    this.actionRequests.push(request);
    this.message(atMs, toolCall(name, item.arguments));
    this.done(atMs, { ...item, id: callId });
  }

  /**
   * A tool that ran: after an approval its call was announced by the paused run, so only the result is new;
   * otherwise the call comes first.
   */
  private mcpCall(item: JsonObject, atMs: number): void {
    const name = String(item.name);
    const approved = typeof item.approval_request_id === "string";
    const callId = approved
      ? String(item.approval_request_id)
      : `call_${String(item.id).replace(/^mcp_/, "")}`;
    if (!approved) {
      this.message(atMs, toolCall(name, item.arguments));
      this.done(atMs, {
        type: "function_call",
        id: item.id,
        call_id: callId,
        name,
        arguments: item.arguments,
      });
    }
    this.message(atMs, { role: "tool", name, content: outputText(item.output) });
    this.done(atMs, { type: "function_call_output", call_id: callId, output: outputText(item.output) });
  }

  private message(atMs: number, message: JsonObject): void {
    this.messages.push(message);
    this.emit(atMs, { type: "message", message });
  }

  private done(atMs: number, item: JsonObject): void {
    this.finished.push({ atMs, item });
  }

  private emit(atMs: number, event: AgentEvent): void {
    this.events.push({ atMs, event });
  }
}

/** The adapter's tool call: no call id, the arguments parsed (or wrapped when they are not JSON). */
function toolCall(name: string, args: unknown): JsonObject {
  return { role: "assistant", content: "", tool_calls: [{ name, args: parseArgs(args) }] };
}

function parseArgs(args: unknown): JsonObject {
  if (typeof args !== "string") return typeof args === "object" && args !== null ? (args as JsonObject) : {};
  try {
    const parsed: unknown = JSON.parse(args);
    return typeof parsed === "object" && parsed !== null ? (parsed as JsonObject) : { arguments: args };
  } catch {
    return { arguments: args };
  }
}

function messageText(item: JsonObject): string {
  const parts = Array.isArray(item.content) ? (item.content as JsonObject[]) : [];
  return parts.map((part) => (typeof part.text === "string" ? part.text : "")).join("");
}

/** Python's `str()` of a tool's output. */
function outputText(output: unknown): string {
  return typeof output === "string" ? output : JSON.stringify(output ?? null);
}
