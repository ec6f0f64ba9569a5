import type { UIMessageChunk } from "ai";
import type { ChatDataParts } from "@/lib/shared/chat";
import { isMessageItem, messageText, type UpstreamItem } from "@/lib/shared/upstream";

export type ChatChunk = UIMessageChunk<unknown, ChatDataParts>;

/** A finished upstream item, as the UI sees it: text to reveal, or chunks to send as they are. */
export type ItemView =
  | { kind: "text"; id: string; text: string; after: ChatChunk[] }
  | { kind: "chunks"; chunks: ChatChunk[] };

/**
 * Map one finished Responses output item to UI message chunks. Hosted tools ran upstream, so their parts are
 * `dynamic` (unknown at compile time) and `providerExecuted`. `knownCalls` tracks call ids already sent in
 * this message, because an output for a call the UI never saw would be rejected by the client.
 */
export function viewItem(item: UpstreamItem, index: number, knownCalls: Set<string>): ItemView | null {
  const id = typeof item.id === "string" && item.id ? item.id : `item-${index}`;
  if (isMessageItem(item)) {
    if (item.role !== "assistant") return null;
    return { kind: "text", id, text: messageText(item), after: citationChunks(item) };
  }
  switch (item.type) {
    case "function_call": {
      const callId = stringField(item, "call_id") ?? id;
      knownCalls.add(callId);
      return {
        kind: "chunks",
        chunks: [toolInput(callId, stringField(item, "name") ?? "tool", parseArguments(item.arguments))],
      };
    }
    case "function_call_output": {
      const callId = stringField(item, "call_id") ?? id;
      const chunks: ChatChunk[] = [];
      if (!knownCalls.has(callId)) {
        knownCalls.add(callId);
        chunks.push(toolInput(callId, "tool", {}));
      }
      chunks.push({
        type: "tool-output-available",
        toolCallId: callId,
        output: item.output ?? null,
        dynamic: true,
        providerExecuted: true,
      });
      return { kind: "chunks", chunks };
    }
    case "reasoning": {
      const text = reasoningText(item);
      if (!text) return null;
      return {
        kind: "chunks",
        chunks: [
          { type: "reasoning-start", id },
          { type: "reasoning-delta", id, delta: text },
          { type: "reasoning-end", id },
        ],
      };
    }
    default:
      return {
        kind: "chunks",
        chunks: [
          {
            type: "data-upstream-item",
            id,
            data: { itemType: item.type, itemId: id, summary: summarise(item) },
          },
        ],
      };
  }
}

function toolInput(toolCallId: string, toolName: string, input: unknown): ChatChunk {
  return { type: "tool-input-available", toolCallId, toolName, input, dynamic: true, providerExecuted: true };
}

function stringField(item: UpstreamItem, field: string): string | undefined {
  const value = item[field];
  return typeof value === "string" && value ? value : undefined;
}

/** Arguments arrive as a JSON string; a malformed one is still shown, as text. */
function parseArguments(raw: unknown): unknown {
  if (typeof raw !== "string") return raw ?? {};
  try {
    return JSON.parse(raw);
  } catch {
    return { arguments: raw };
  }
}

function reasoningText(item: UpstreamItem): string {
  const summary = Array.isArray(item.summary) ? item.summary : [];
  return summary
    .map((part) => (part && typeof part === "object" && typeof part.text === "string" ? part.text : ""))
    .filter(Boolean)
    .join("\n\n");
}

function citationChunks(item: UpstreamItem & { content: Array<Record<string, unknown>> }): ChatChunk[] {
  const chunks: ChatChunk[] = [];
  for (const part of item.content) {
    const annotations = Array.isArray(part.annotations)
      ? (part.annotations as Array<Record<string, unknown>>)
      : [];
    for (const a of annotations) {
      if (a.type !== "url_citation" || typeof a.url !== "string" || !/^https?:\/\//i.test(a.url)) continue;
      chunks.push({
        type: "source-url",
        sourceId: `${item.id ?? "msg"}-${chunks.length}`,
        url: a.url,
        ...(typeof a.title === "string" ? { title: a.title } : {}),
      });
    }
  }
  return chunks;
}

const SUMMARY_LIMIT = 4000;

function summarise(item: UpstreamItem): string {
  const text = JSON.stringify(item, null, 2);
  return text.length > SUMMARY_LIMIT ? `${text.slice(0, SUMMARY_LIMIT)}\n…` : text;
}
