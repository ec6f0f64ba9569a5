import type { UIMessageChunk } from "ai";
import type { ChatDataParts, ChatMessage, ToolMetadata } from "@/lib/shared/chat";
import { isMessageItem, messageText, type UpstreamItem } from "@/lib/shared/upstream";

export type ChatChunk = UIMessageChunk<unknown, ChatDataParts>;

/** A finished upstream item, as the UI sees it: text to reveal, or chunks to send as they are. */
export type ItemView =
  | { kind: "text"; id: string; text: string; after: ChatChunk[] }
  | { kind: "chunks"; chunks: ChatChunk[] };

/** A call the message shows: when it started, its tool, and whether its result (or a denial) came. */
interface ShownCall {
  meta: ToolMetadata;
  name: string;
  state: "open" | "done" | "denied";
  /** When the app saw the run before the look that showed this call: the call cannot have started earlier. */
  notBefore?: number;
}

/**
 * A call and its result seen this close together came in the same look at the run (one retrieve, or one
 * burst of events): when the call really started is not known, only that it was after the item before it.
 */
const SAME_LOOK_MS = 250;

/**
 * The tool calls this assistant message already shows, with when each was first seen: an output for a call
 * the UI never saw would be rejected by the client, and the times give a card its duration.
 */
export class ToolCallTracker {
  private readonly calls = new Map<string, ShownCall>();
  /**
   * When the app last saw an item of the run finish (or the cycle begin), and the same for the look before
   * that one: items seen within SAME_LOOK_MS of each other came in one look at the run.
   */
  private look: { at: number; previousAt?: number } | undefined;
  /** Times a stored snapshot of the message already gave its calls (a replay keeps them). */
  private readonly known = new Map<string, Partial<ToolMetadata>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** An item of the run was seen finished (or a cycle began): a call seen next started no earlier. */
  itemSeen(): void {
    const now = this.now();
    if (this.look && now - this.look.at < SAME_LOOK_MS) this.look.at = now;
    else this.look = { at: now, previousAt: this.look?.at };
  }

  /** The latest moment the app saw the run before the look it is reading now: a new call started after it. */
  private notBefore(): number | undefined {
    if (!this.look) return undefined;
    return this.now() - this.look.at < SAME_LOOK_MS ? this.look.previousAt : this.look.at;
  }

  /**
   * Keep the times the stored message gave its calls: a replay (after a reload or a hand-over) shows every
   * item at once, and would otherwise stamp each call with the moment of the replay.
   */
  rememberTimes(message: ChatMessage | undefined): void {
    for (const part of message?.parts ?? []) {
      if (part.type === "dynamic-tool" && part.toolMetadata) {
        this.known.set(part.toolCallId, part.toolMetadata as Partial<ToolMetadata>);
      }
    }
  }

  /** The tool calls the message shows (its tool cards): the answer's tool call count. */
  get size(): number {
    return this.calls.size;
  }

  /**
   * Continue a message an earlier stream wrote (an approval's follow-up): its tool calls keep their metadata,
   * and the ones just approved start their clock now, not when the person was asked.
   */
  static continuing(
    message: ChatMessage | undefined,
    restarted: Iterable<string>,
    now?: () => number,
  ): ToolCallTracker {
    const tracker = new ToolCallTracker(now);
    const restart = new Set(restarted);
    for (const part of message?.parts ?? []) {
      if (part.type !== "dynamic-tool") continue;
      const meta = {
        kind: "hosted",
        startedAt: tracker.now(),
        ...(part.toolMetadata as Partial<ToolMetadata> | undefined),
      } as ToolMetadata;
      tracker.calls.set(part.toolCallId, {
        meta: restart.has(part.toolCallId) ? { ...meta, startedAt: tracker.now() } : meta,
        name: part.toolName,
        state:
          part.state === "output-available" || part.state === "output-error"
            ? "done"
            : part.state === "output-denied"
              ? "denied"
              : "open",
      });
    }
    return tracker;
  }

  input(
    toolCallId: string,
    toolName: string,
    input: unknown,
    meta: Omit<ToolMetadata, "startedAt">,
  ): ChatChunk {
    // A call shown again (an agent's tool call that then asks for approval) keeps its card and its clock.
    const shown = this.calls.get(toolCallId);
    const known = this.known.get(toolCallId)?.startedAt;
    const toolMetadata: ToolMetadata = {
      ...withoutUndefined(meta),
      startedAt: shown?.meta.startedAt ?? known ?? this.now(),
    };
    this.calls.set(toolCallId, {
      meta: toolMetadata,
      name: toolName,
      state: shown?.state ?? "open",
      notBefore: shown ? shown.notBefore : this.notBefore(),
    });
    return {
      type: "tool-input-available",
      toolCallId,
      toolName,
      input,
      dynamic: true,
      providerExecuted: meta.kind !== "client",
      toolMetadata,
      ...(meta.serverLabel ? { title: meta.serverLabel } : {}),
    };
  }

  /** A person denied the call: its card stays denied, whatever the agent reports about it afterwards. */
  deny(toolCallId: string): void {
    const shown = this.calls.get(toolCallId);
    if (shown) shown.state = "denied";
  }

  /**
   * A tool result that names its tool but not its call (Agent Bricks' OpenAI agents, once a paused run goes
   * on in a new one) belongs to the oldest call of that tool still waiting for its result: it gets that
   * call's id, so it lands on its card and is stored paired. Anything else is returned as it is.
   */
  pairResult(item: UpstreamItem): UpstreamItem {
    if (item.type !== "function_call_output" || typeof item.call_id === "string") return item;
    const name = typeof item.name === "string" ? item.name : undefined;
    const waiting = (state: ShownCall["state"]) =>
      [...this.calls].find(([, call]) => call.state === state && (name === undefined || call.name === name));
    // A denied call's result is the agent saying it did not run it: it goes with the denied card.
    const match = waiting("open") ?? waiting("denied");
    return { ...item, call_id: match?.[0] ?? `call_unpaired_${this.calls.size}` };
  }

  /** The chunks that end a call: its input first if the UI has not seen it, then its output or error. */
  output(
    toolCallId: string,
    result: { output: unknown } | { errorText: string },
    kind: ToolMetadata["kind"] = "hosted",
  ): ChatChunk[] {
    const chunks: ChatChunk[] = [];
    if (!this.calls.has(toolCallId)) chunks.push(this.input(toolCallId, "tool", {}, { kind }));
    const shown = this.calls.get(toolCallId) as ShownCall;
    const denied = shown.state === "denied";
    shown.state = "done";
    if (denied) return chunks; // the card stays denied; the agent's words about it follow as its text
    const toolMetadata = finishedMeta(shown, this.known.get(toolCallId)?.finishedAt ?? this.now());
    const common = {
      toolCallId,
      dynamic: true,
      providerExecuted: shown.meta.kind !== "client",
      toolMetadata,
    } as const;
    chunks.push(
      "errorText" in result
        ? { type: "tool-output-error", ...common, errorText: result.errorText }
        : { type: "tool-output-available", ...common, output: result.output },
    );
    return chunks;
  }
}

/**
 * A finished call's times. Its duration is from when the app first saw the call to when it saw the result;
 * a hosted call seen together with its result (in one look, SAME_LOOK_MS) is taken to have started when the
 * app last saw the run before that look (an earlier item, or its cycle's start): the real start is somewhere
 * in between, so the card's "~N s" is an upper bound rather than a made-up zero. The app's own tools are
 * timed as they run.
 */
function finishedMeta(shown: ShownCall, finishedAt: number): ToolMetadata {
  const { meta, notBefore } = shown;
  const sameLook = finishedAt - meta.startedAt < SAME_LOOK_MS;
  const startedAt =
    sameLook && meta.kind !== "client" && notBefore !== undefined && notBefore < meta.startedAt
      ? notBefore
      : meta.startedAt;
  return { ...meta, startedAt, finishedAt };
}

/**
 * A decision on an approval card, as the person made it (live) or as the history holds it (an
 * `mcp_approval_response` item, replayed): the answer on the card, and a denied tool that will never produce
 * output marked so.
 */
export function approvalDecisionChunks(
  decision: { approvalRequestId: string; approve: boolean; reason?: string },
  calls: ToolCallTracker,
): ChatChunk[] {
  const { approvalRequestId: approvalId, approve, reason } = decision;
  const answer: ChatChunk = {
    type: "tool-approval-response",
    approvalId,
    approved: approve,
    ...(reason ? { reason } : {}),
  };
  if (approve) return [answer];
  calls.deny(approvalId);
  return [answer, { type: "tool-output-denied", toolCallId: approvalId }];
}

/**
 * Map one finished Responses output item to UI message chunks. Upstream tools are `dynamic` (unknown at
 * compile time) and `providerExecuted`; an MCP approval request becomes a tool part awaiting approval, keyed
 * by the request id so the decision and the later `mcp_call` land on the same card.
 */
export function viewItem(
  item: UpstreamItem,
  index: number,
  calls: ToolCallTracker,
  clientTools: ReadonlySet<string> = new Set(),
): ItemView | null {
  const id = stringField(item, "id") ?? `item-${index}`;
  if (isMessageItem(item)) {
    if (item.role !== "assistant") return null;
    return { kind: "text", id, text: messageText(item), after: citationChunks(item) };
  }
  switch (item.type) {
    case "function_call": {
      const name = stringField(item, "name") ?? "tool";
      const kind = clientTools.has(name) ? "client" : "hosted";
      return {
        kind: "chunks",
        chunks: [
          calls.input(stringField(item, "call_id") ?? id, name, parseArguments(item.arguments), { kind }),
        ],
      };
    }
    case "function_call_output":
      return {
        kind: "chunks",
        chunks: calls.output(stringField(item, "call_id") ?? id, { output: item.output ?? null }),
      };
    case "mcp_approval_request":
      return {
        kind: "chunks",
        chunks: [
          calls.input(id, stringField(item, "name") ?? "tool", parseArguments(item.arguments), {
            kind: "mcp",
            serverLabel: stringField(item, "server_label"),
          }),
          { type: "tool-approval-request", approvalId: id, toolCallId: id },
        ],
      };
    case "mcp_call": {
      // An approved call lands on its approval card; one that needed no approval gets a card of its own.
      const approvalId = stringField(item, "approval_request_id");
      const callId = approvalId ?? id;
      const chunks: ChatChunk[] = approvalId
        ? []
        : [
            calls.input(callId, stringField(item, "name") ?? "tool", parseArguments(item.arguments), {
              kind: "mcp",
              serverLabel: stringField(item, "server_label"),
            }),
          ];
      const error = mcpError(item.error);
      chunks.push(
        ...calls.output(callId, error ? { errorText: error } : { output: item.output ?? null }, "mcp"),
      );
      return { kind: "chunks", chunks };
    }
    case "mcp_approval_response":
      return {
        kind: "chunks",
        chunks: approvalDecisionChunks(
          {
            approvalRequestId: String(item.approval_request_id),
            approve: item.approve === true,
            reason: typeof item.reason === "string" ? item.reason : undefined,
          },
          calls,
        ),
      };
    case "mcp_list_tools": {
      const tools = Array.isArray(item.tools) ? (item.tools as Array<Record<string, unknown>>) : [];
      const error = mcpError(item.error);
      return {
        kind: "chunks",
        chunks: [
          {
            type: "data-mcp-tools",
            id,
            data: {
              serverLabel: stringField(item, "server_label") ?? "MCP server",
              tools: tools.map((t) => ({
                name: String(t.name ?? "?"),
                ...(typeof t.description === "string" ? { description: t.description } : {}),
              })),
              ...(error ? { error } : {}),
            },
          },
        ],
      };
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

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function stringField(item: UpstreamItem, field: string): string | undefined {
  const value = item[field];
  return typeof value === "string" && value ? value : undefined;
}

function mcpError(error: unknown): string | undefined {
  if (!error) return undefined;
  if (typeof error === "string") return error;
  if (typeof error === "object" && typeof (error as { message?: unknown }).message === "string")
    return (error as { message: string }).message;
  return JSON.stringify(error);
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
