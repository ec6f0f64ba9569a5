// The soak's bookkeeping: which upstream output items a chat turn should show, and whether the message the
// browser ends up with shows each of them exactly once. Pure functions over plain data, unit-tested on crafted
// inputs (count.test.ts) so a bug here cannot make a soak pass silently.

import type { UIMessage, UIMessageChunk } from "ai";
import { discardedTextReason } from "@/lib/shared/chat";

/** An upstream output item, as loose as the wire. */
export interface WireItem {
  type: string;
  id?: string | null;
  [field: string]: unknown;
}

/** One upstream response of a turn, as the emulator stored it (the ground truth). */
export interface UpstreamRecord {
  id: string;
  status: string;
  output: WireItem[];
  /** Leading output items that are copies of the input (Databricks' quirk 1 in docs/upstreams.md): not new, never to be shown. */
  echoed: number;
  /** The input the response was created with (function outputs the app sent live here). */
  input: WireItem[];
}

/** Something the final message must hold exactly `count` times. */
export interface Expectation {
  key: string;
  count: number;
  /** Where it came from, for the report. */
  source: string;
}

export interface Finding {
  key: string;
  expected: number;
  actual: number;
  source: string;
}

export interface Comparison {
  lost: Finding[];
  duplicated: Finding[];
  /** Items in the message that no upstream item accounts for (neither lost nor duplicated, but suspicious). */
  unexpected: Finding[];
  /**
   * Discarded text parts (see `discardedParts`) that hold the whole text of a finished upstream message: the
   * app set aside an answer the agent finished, which must never happen (a restarted or moved draft is always
   * cut short of its item's text).
   */
  discarded: Finding[];
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

function messageText(item: WireItem): string {
  const content = Array.isArray(item.content) ? (item.content as Array<Record<string, unknown>>) : [];
  return content
    .map((part) =>
      typeof part.text === "string" ? part.text : typeof part.refusal === "string" ? part.refusal : "",
    )
    .join("");
}

function reasoningText(item: WireItem): string {
  const summary = Array.isArray(item.summary) ? (item.summary as Array<Record<string, unknown>>) : [];
  return summary
    .map((part) => (typeof part?.text === "string" ? part.text : ""))
    .filter(Boolean)
    .join("\n\n");
}

/** The keys one upstream item must appear under in the UI message (empty when it is not shown at all). */
export function itemKeys(item: WireItem): string[] {
  const id = text(item.id);
  switch (item.type) {
    case "message":
      return item.role === "assistant" ? [`text:${messageText(item)}`] : [];
    case "reasoning": {
      const summary = reasoningText(item);
      return summary ? [`reasoning:${summary}`] : [];
    }
    case "function_call":
      return [`tool:${text(item.call_id) ?? id}`];
    case "function_call_output":
      return [`tool-output:${text(item.call_id) ?? id}`];
    case "mcp_approval_request":
      return [`tool:${id}`];
    case "mcp_call": {
      const approval = text(item.approval_request_id);
      return approval ? [`tool-output:${approval}`] : [`tool:${id}`, `tool-output:${id}`];
    }
    case "mcp_list_tools":
      return [`data-mcp-tools:${id}`];
    default:
      return [`data-upstream-item:${id}`];
  }
}

/**
 * What a turn's final message must hold: every new (non-echo) output item of every response of the turn, plus
 * an output on every function call that got one anywhere in the turn (the app's own tools answer in the next
 * response's input, not in an output).
 */
export function expectedFromUpstream(responses: readonly UpstreamRecord[]): Expectation[] {
  const counts = new Map<string, Expectation>();
  const add = (key: string, source: string) => {
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { key, count: 1, source });
  };
  const answered = new Set<string>();
  for (const response of responses) {
    for (const item of [...response.input, ...response.output]) {
      if (item.type === "function_call_output" && text(item.call_id)) answered.add(item.call_id as string);
    }
  }
  for (const response of responses) {
    response.output.slice(response.echoed).forEach((item, index) => {
      const source = `${response.id}#${index + response.echoed} ${item.type}`;
      for (const key of itemKeys(item)) add(key, source);
      // A hosted call's output is an item of its own, counted above; the app's own tools answer in the input.
      const callId = text(item.call_id);
      if (item.type !== "function_call" || !callId || !answered.has(callId)) return;
      const hosted = response.output.some((o) => o.type === "function_call_output" && o.call_id === callId);
      if (!hosted) add(`tool-output:${callId}`, `${source} (answered by the app)`);
    });
  }
  return [...counts.values()];
}

/**
 * The text parts the app voided: a draft its agent's worker was writing when it died (`restarted`: a new
 * attempt writes the answer again) or text that moved to a later part (`moved`). The message view leaves them
 * out; they are no upstream item, so the counting leaves them out too, and checks them on their own.
 */
export function discardedParts(
  message: UIMessage | undefined,
): Array<{ reason: "restarted" | "moved"; text: string }> {
  return (message?.parts ?? []).flatMap((part) => {
    if (part.type !== "text") return [];
    const reason = discardedTextReason(part);
    return reason ? [{ reason, text: part.text }] : [];
  });
}

/**
 * How often the message holds each key, as the person sees it (discarded text parts are not shown). Tool parts
 * merge by call id in the UI, so a tool key counts once.
 */
export function observedInMessage(message: UIMessage | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const part of message?.parts ?? []) {
    const type = part.type;
    if (type === "text") {
      const textPart = part as { text: string; providerMetadata?: unknown };
      if (!discardedTextReason(textPart)) add(`text:${textPart.text}`);
    } else if (type === "reasoning") add(`reasoning:${(part as { text: string }).text}`);
    else if (type === "dynamic-tool" || type.startsWith("tool-")) {
      const tool = part as { toolCallId: string; state: string };
      add(`tool:${tool.toolCallId}`);
      if (tool.state === "output-available" || tool.state === "output-error")
        add(`tool-output:${tool.toolCallId}`);
    } else if (type === "data-mcp-tools" || type === "data-upstream-item") {
      const id = (part as { id?: string }).id;
      if (id) add(`${type}:${id}`);
    }
  }
  return counts;
}

/** Lost: expected more often than shown; duplicated: shown more often than expected. */
export function compareMessage(expected: readonly Expectation[], message: UIMessage | undefined): Comparison {
  const observed = observedInMessage(message);
  const result: Comparison = { lost: [], duplicated: [], unexpected: [], discarded: [] };
  const known = new Map<string, Expectation>();
  for (const entry of expected) {
    const { key, count, source } = entry;
    known.set(key, entry);
    const actual = observed.get(key) ?? 0;
    if (actual < count) result.lost.push({ key, expected: count, actual, source });
    if (actual > count) result.duplicated.push({ key, expected: count, actual, source });
  }
  for (const [key, actual] of observed) {
    if (!known.has(key)) result.unexpected.push({ key, expected: 0, actual, source: "message" });
  }
  for (const { reason, text } of discardedParts(message)) {
    const finished = known.get(`text:${text}`);
    if (finished) {
      result.discarded.push({
        key: `text:${text}`,
        expected: 0,
        actual: 1,
        source: `a ${reason} part holds ${finished.source}`,
      });
    }
  }
  return result;
}

/**
 * Duplicates the merged message cannot show: within one stream every text, reasoning and tool-call input is
 * sent once (a replay resends them, but only in a new stream that starts the message over). The one exception
 * is text the app discarded as `moved`: its part is ended as void and the same item's text starts again, under
 * the same id, at its new place; that restart is not a second copy.
 */
export function duplicatesInStream(chunks: readonly UIMessageChunk[]): Finding[] {
  const counts = new Map<string, number>();
  const voided = new Set<string>();
  for (const chunk of chunks) {
    let key: string | undefined;
    if (chunk.type === "text-end" && discardedTextReason(chunk)) voided.add(chunk.id);
    if (chunk.type === "text-start" && voided.delete(chunk.id)) continue;
    if (chunk.type === "text-start") key = `text-start:${chunk.id}`;
    else if (chunk.type === "reasoning-start") key = `reasoning-start:${chunk.id}`;
    else if (chunk.type === "tool-input-available") key = `tool-input:${chunk.toolCallId}`;
    else if (chunk.type === "tool-output-available" || chunk.type === "tool-output-error")
      key = `tool-output:${chunk.toolCallId}`;
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, actual]) => actual > 1)
    .map(([key, actual]) => ({ key, expected: 1, actual, source: "stream" }));
}

/** Number of items a finding stands for (a key expected twice and shown once is one item lost). */
export function itemCount(findings: readonly Finding[]): number {
  return findings.reduce((sum, f) => sum + Math.abs(f.actual - f.expected), 0);
}

/** The text of a user message's first text part. */
export function lastUserText(input: readonly WireItem[]): string {
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i] as WireItem;
    if (item.role !== "user") continue;
    if (typeof item.content === "string") return item.content;
    return messageText(item);
  }
  return "";
}
