import { createHash } from "node:crypto";
import type { UpstreamItem } from "@/lib/shared/upstream";
import { assistantMessage } from "./output-assembler";

/**
 * Agent Bricks agents report what they did as messages in their framework's own shape: the OpenAI template's
 * `{role, content, tool_calls?}` (tool calls without ids, results by tool name) or LangChain dumps
 * (`{type: "ai"|"tool"|"human", content, tool_calls: [{id, name, args}], tool_call_id}`). Here they become
 * the Responses items the rest of the app shows and stores. One instance per run: it pairs tool calls with
 * their results, and with the approvals a pause asks for.
 */
export class AgentBricksItems {
  /** Tool calls of this run still waiting for their result, oldest first. */
  private readonly open: Array<{ name: string; callId: string }> = [];

  constructor(private readonly idPrefix: string) {}

  /** The items of one `message` event (or one entry of the run's final output). */
  fromMessage(message: unknown, key: string): UpstreamItem[] {
    if (!message || typeof message !== "object") return [];
    const m = message as Record<string, unknown>;
    if (m.type === "interrupt") return this.fromInterrupt(m, key);
    const role = typeof m.role === "string" ? m.role : langChainRole(m.type);
    if (role === "tool") return [this.toolResult(m)];
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
      const callId = safeId(nonEmpty(call.id) ?? `call_${this.idPrefix}${key}_${i}`);
      this.open.push({ name, callId });
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

  /**
   * A result with the call's id (LangChain) goes with that call; one with only its tool's name (the OpenAI
   * template) with the oldest call of that tool in this run, or, when the call was in an earlier run (the
   * one a pause ended), goes without a call id for the chat to pair with the card it shows.
   */
  private toolResult(m: Record<string, unknown>): UpstreamItem {
    const name = nonEmpty(m.name);
    const given = nonEmpty(m.tool_call_id);
    const callId = given ? safeId(given) : this.take((call) => name === undefined || call.name === name);
    if (given) this.take((call) => call.callId === callId);
    const content = m.content;
    return {
      type: "function_call_output",
      ...(callId ? { call_id: callId } : {}),
      ...(name ? { name } : {}),
      output: typeof content === "string" ? content : JSON.stringify(content ?? null),
    };
  }

  /**
   * A pause for a person's decision (`interrupt`) as one approval request per action the agent wants to take,
   * so the app's approval cards (and their server-side checks) work unchanged. The agent announced each of
   * those tool calls just before pausing: the approval takes that call's card (its id), so the person sees
   * one card asking, not a second one next to a call that never ends. Each request remembers where it came
   * from (the interrupt, its place in it and the agent's call id), which the decisions must carry back.
   */
  private fromInterrupt(event: Record<string, unknown>, key: string): UpstreamItem[] {
    const value = (event.value ?? {}) as { action_requests?: unknown };
    const requests = Array.isArray(value.action_requests)
      ? (value.action_requests as Array<Record<string, unknown>>)
      : [];
    const interruptId = nonEmpty(event.id) ?? key;
    return requests.map((request, index) => {
      const callId = nonEmpty(request.call_id);
      const name = nonEmpty(request.name) ?? "tool";
      const announced =
        (callId ? this.take((call) => call.callId === safeId(callId)) : undefined) ??
        this.take((call) => call.name === name);
      return {
        type: "mcp_approval_request",
        id: announced ?? safeId(callId ?? `${interruptId}-${index}`),
        name,
        arguments: JSON.stringify(request.args ?? {}),
        server_label: "agent",
        ...(typeof request.description === "string" ? { description: request.description } : {}),
        agent_bricks: { interrupt_id: interruptId, index, ...(callId ? { call_id: callId } : {}) },
      };
    });
  }

  /** The oldest open call that matches, no longer open; its id. */
  private take(matches: (call: { name: string; callId: string }) => boolean): string | undefined {
    const at = this.open.findIndex(matches);
    return at >= 0 ? this.open.splice(at, 1)[0]?.callId : undefined;
  }
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

/** Call ids go to the browser and back as approval ids: at most 64 characters of letters, digits, `_`, `-`. */
function safeId(raw: string): string {
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
