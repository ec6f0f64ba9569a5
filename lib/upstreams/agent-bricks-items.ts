import { createHash } from "node:crypto";
import type { UpstreamItem } from "@/lib/shared/upstream";
import { assistantMessage } from "./output-assembler";

/**
 * Agent Bricks agents report what they did as messages in their framework's own shape: the OpenAI template's
 * `{role, content, tool_calls?}` (tool calls without ids, results by tool name) or LangChain dumps
 * (`{type: "ai"|"tool"|"human", content, tool_calls: [{id, name, args}], tool_call_id}`). Here they become
 * the Responses items the rest of the app shows and stores. One instance per run, for the pairing of tool
 * calls with results that have no call id.
 */
export class AgentBricksItems {
  /** OpenAI-template tool calls still waiting for their result, oldest first: they carry no call id. */
  private readonly pending: Array<{ name: string; callId: string }> = [];

  constructor(private readonly idPrefix: string) {}

  /** The items of one `message` event (or one entry of the run's final output). */
  fromMessage(message: unknown, key: string): UpstreamItem[] {
    if (!message || typeof message !== "object") return [];
    const m = message as Record<string, unknown>;
    const role = typeof m.role === "string" ? m.role : langChainRole(m.type);
    if (m.type === "interrupt") return fromInterrupt(m, key);
    if (role === "tool") return [this.toolResult(m, key)];
    if (role !== "assistant") return [];
    const items: UpstreamItem[] = [];
    const reasoning = reasoningOf(m.content);
    if (reasoning)
      items.push({
        type: "reasoning",
        id: `${this.idPrefix}${key}-r`,
        summary: [{ type: "summary_text", text: reasoning }],
      });
    const text = textOf(m.content);
    if (text)
      items.push(assistantMessage(typeof m.id === "string" && m.id ? m.id : `${this.idPrefix}${key}`, text));
    const calls = Array.isArray(m.tool_calls) ? (m.tool_calls as Array<Record<string, unknown>>) : [];
    calls.forEach((call, i) => {
      const name = typeof call.name === "string" ? call.name : "tool";
      const callId = typeof call.id === "string" && call.id ? call.id : `call_${this.idPrefix}${key}_${i}`;
      if (typeof call.id !== "string" || !call.id) this.pending.push({ name, callId });
      items.push({
        type: "function_call",
        id: `${this.idPrefix}${key}-fc${i}`,
        call_id: callId,
        name,
        arguments: JSON.stringify(call.args ?? call.arguments ?? {}),
        status: "completed",
      });
    });
    return items;
  }

  private toolResult(m: Record<string, unknown>, key: string): UpstreamItem {
    const name = typeof m.name === "string" ? m.name : undefined;
    let callId = typeof m.tool_call_id === "string" && m.tool_call_id ? m.tool_call_id : undefined;
    if (!callId) {
      const at = this.pending.findIndex((p) => name === undefined || p.name === name);
      callId = at >= 0 ? (this.pending.splice(at, 1)[0]?.callId as string) : `call_${this.idPrefix}${key}`;
    }
    const content = m.content;
    return {
      type: "function_call_output",
      call_id: callId,
      output: typeof content === "string" ? content : JSON.stringify(content ?? null),
    };
  }
}

/**
 * A pause for a person's decision (`interrupt`) as one approval request per action the agent wants to take,
 * so the app's approval cards (and their server-side checks) work unchanged. Each remembers where it came
 * from: the interrupt, its place in it and the tool call's id, which the decisions must carry back in order.
 */
export function fromInterrupt(event: Record<string, unknown>, key: string): UpstreamItem[] {
  const value = (event.value ?? {}) as { action_requests?: unknown };
  const requests = Array.isArray(value.action_requests)
    ? (value.action_requests as Array<Record<string, unknown>>)
    : [];
  const interruptId = typeof event.id === "string" && event.id ? event.id : key;
  return requests.map((request, index) => {
    const callId = typeof request.call_id === "string" && request.call_id ? request.call_id : undefined;
    return {
      type: "mcp_approval_request",
      id: approvalId(callId ?? `${interruptId}-${index}`),
      name: typeof request.name === "string" ? request.name : "tool",
      arguments: JSON.stringify(request.args ?? {}),
      server_label: "agent",
      ...(typeof request.description === "string" ? { description: request.description } : {}),
      agent_bricks: { interrupt_id: interruptId, index, ...(callId ? { call_id: callId } : {}) },
    };
  });
}

/** Approval ids go to the browser and back: at most 64 characters of letters, digits, `_` and `-`. */
function approvalId(raw: string): string {
  if (/^[A-Za-z0-9_-]{1,64}$/.test(raw)) return raw;
  return `ab_${createHash("sha256").update(raw).digest("hex").slice(0, 40)}`;
}

function langChainRole(type: unknown): string | undefined {
  return type === "ai" || type === "AIMessageChunk"
    ? "assistant"
    : type === "tool"
      ? "tool"
      : type === "human"
        ? "user"
        : undefined;
}

/** A message's text: a string, or the text blocks of a list (Claude-style content). */
export function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((block) =>
      typeof block === "string"
        ? block
        : block && typeof block === "object" && (block as { type?: unknown }).type === "text"
          ? String((block as { text?: unknown }).text ?? "")
          : "",
    )
    .join("");
}

function reasoningOf(content: unknown): string {
  if (!Array.isArray(content)) return "";
  return content
    .filter(
      (block) => block && typeof block === "object" && (block as { type?: unknown }).type === "reasoning",
    )
    .flatMap((block) => {
      const summary = (block as { summary?: unknown }).summary;
      return Array.isArray(summary) ? summary.map((s) => String((s as { text?: unknown })?.text ?? "")) : [];
    })
    .filter(Boolean)
    .join("\n\n");
}
