import type { DynamicToolUIPart } from "ai";
import { identityOf } from "@/lib/auth/user-id";
import { pendingApprovalRequests } from "@/lib/background/approvals";
import type { ApprovalRecord, ChatRecord } from "@/lib/db/chat-store";
import { type ChatMessage, discardedTextReason, type ToolMetadata } from "@/lib/shared/chat";
import { chatUsage, usageOf } from "@/lib/shared/usage";
import {
  CHAT_EXPORT_FORMAT,
  CHAT_EXPORT_VERSION,
  type ChatExport,
  type ExportApproval,
  type ExportBlock,
  type ExportMessage,
  type ExportPerson,
  type ExportToolCall,
  type ToolCallState,
} from "./shape";

/** What an export is made of: the stored chat and its approvals audit log. */
export interface StoredChat {
  chat: Pick<ChatRecord, "id" | "title" | "createdAt" | "updatedAt" | "messages" | "history" | "run">;
  /** The audit log's decisions (empty for a store that keeps none: decisions then come from the history). */
  approvals: readonly ApprovalRecord[];
}

export interface ExportContext {
  /** The user id of the person exporting (the chat's owner). */
  exporterId: string;
  exportedAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The JSON export (lib/export/shape.ts) of a stored chat. */
export function buildChatExport({ chat, approvals }: StoredChat, context: ExportContext): ChatExport {
  const decisions = new Decisions(chat.history, approvals, context.exporterId);
  const run = chat.run;
  return {
    format: CHAT_EXPORT_FORMAT,
    version: CHAT_EXPORT_VERSION,
    exportedAt: iso(context.exportedAt),
    chat: { id: chat.id, title: chat.title, createdAt: iso(chat.createdAt), updatedAt: iso(chat.updatedAt) },
    complete: run?.state !== "running",
    ...(run
      ? {
          lastRun: {
            state: run.state,
            startedAt: iso(run.startedAt),
            ...(run.finishedAt !== undefined ? { finishedAt: iso(run.finishedAt) } : {}),
            ...(run.error && run.state !== "completed" ? { error: run.error } : {}),
          },
        }
      : {}),
    usage: chatUsage(chat.messages, run?.state === "running" ? run.runId : undefined),
    messages: chat.messages.flatMap((message) =>
      message.role === "system"
        ? []
        : [exportMessage(message, decisions, run?.state === "running" && message.id === run.runId)],
    ),
  };
}

function exportMessage(message: ChatMessage, decisions: Decisions, running: boolean): ExportMessage {
  const blocks: ExportBlock[] = [];
  let outcome: ExportMessage["outcome"];
  for (const part of message.parts) {
    switch (part.type) {
      case "text":
        // A draft the run set aside is not part of the answer (the chat does not show it either).
        if (part.text.trim() && !discardedTextReason(part)) blocks.push({ type: "text", text: part.text });
        break;
      case "reasoning":
        if (part.text.trim()) blocks.push({ type: "reasoning", text: part.text });
        break;
      case "dynamic-tool":
        blocks.push(toolCall(part, decisions));
        break;
      case "source-url":
        blocks.push({ type: "source", url: part.url, ...(part.title ? { title: part.title } : {}) });
        break;
      case "data-mcp-tools":
        blocks.push({
          type: "mcp_tools",
          server: part.data.serverLabel,
          tools: part.data.tools,
          ...(part.data.error ? { error: part.data.error } : {}),
        });
        break;
      case "data-upstream-item":
        blocks.push({ type: "item", itemType: part.data.itemType, summary: part.data.summary });
        break;
      case "data-run-outcome":
        outcome = { status: part.data.status, message: part.data.message };
        break;
    }
  }
  const text = blocks
    .flatMap((block) => (block.type === "text" ? [block.text.trim()] : []))
    .join(message.role === "user" ? "\n" : "\n\n");
  return {
    id: message.id,
    role: message.role === "user" ? "user" : "assistant",
    text,
    blocks,
    ...(outcome ? { outcome } : {}),
    // An answer still being written has no final figures yet (what is stored is a snapshot's).
    ...withUsage(running ? undefined : usageOf(message)),
  };
}

function withUsage(usage: ReturnType<typeof usageOf>) {
  return usage ? { usage } : {};
}

const RAN_ON = { hosted: "agent", client: "app", mcp: "mcp" } as const;

function toolCall(part: DynamicToolUIPart, decisions: Decisions): ExportToolCall {
  const meta = (part.toolMetadata ?? {}) as Partial<ToolMetadata>;
  const approval = part.approval ? decisions.of(part.approval.id, part.approval) : undefined;
  const started = typeof meta.startedAt === "number" ? meta.startedAt : undefined;
  const finished = typeof meta.finishedAt === "number" ? meta.finishedAt : undefined;
  return {
    type: "tool_call",
    id: part.toolCallId,
    name: part.toolName,
    ranOn: RAN_ON[meta.kind ?? "hosted"] ?? "agent",
    ...(meta.serverLabel ? { server: meta.serverLabel } : {}),
    input: part.input ?? null,
    ...(part.state === "output-available" ? { output: part.output ?? null } : {}),
    ...(part.state === "output-error" ? { error: part.errorText } : {}),
    state: toolCallState(part, approval),
    ...(started !== undefined ? { startedAt: iso(started) } : {}),
    ...(finished !== undefined ? { finishedAt: iso(finished) } : {}),
    ...(started !== undefined && finished !== undefined
      ? { durationMs: Math.max(0, finished - started) }
      : {}),
    ...(approval ? { approval } : {}),
  };
}

function toolCallState(part: DynamicToolUIPart, approval: ExportApproval | undefined): ToolCallState {
  switch (part.state) {
    case "output-available":
      return "completed";
    case "output-error":
      return "failed";
    case "output-denied":
      return "denied";
    case "approval-responded":
    case "approval-requested": {
      // The card may not show a decision the server already recorded (its follow-up not stored yet).
      const decision = approval?.decision ?? "pending";
      return decision === "pending" ? "awaiting_approval" : decision;
    }
    default:
      return "started";
  }
}

/**
 * The decision on each approval request, from the server's own records: the audit log (who and when) first,
 * then the history's `mcp_approval_response`, then what the card itself says.
 */
class Decisions {
  private readonly audit: Map<string, ApprovalRecord>;
  private readonly responses = new Map<string, { approve: boolean; reason?: string }>();
  private readonly pending: Set<string>;

  constructor(
    history: ChatRecord["history"],
    approvals: readonly ApprovalRecord[],
    private readonly exporterId: string,
  ) {
    this.audit = new Map(approvals.map((record) => [record.approvalRequestId, record]));
    for (const item of history) {
      if (item.type !== "mcp_approval_response" || typeof item.approval_request_id !== "string") continue;
      this.responses.set(item.approval_request_id, {
        approve: item.approve === true,
        ...(typeof item.reason === "string" && item.reason ? { reason: item.reason } : {}),
      });
    }
    this.pending = new Set(pendingApprovalRequests(history).map((item) => String(item.id)));
  }

  of(id: string, card: { approved?: boolean; reason?: string }): ExportApproval {
    const audit = this.audit.get(id);
    const response = this.responses.get(id);
    const approved = audit?.approve ?? response?.approve ?? card.approved;
    const reason = audit ? audit.reason : (response?.reason ?? card.reason);
    return {
      id,
      decision:
        approved === true
          ? "approved"
          : approved === false
            ? "denied"
            : this.pending.has(id)
              ? "pending"
              : "lapsed",
      ...(reason ? { reason } : {}),
      ...(audit?.decidedBy ? { decidedBy: person(audit.decidedBy, this.exporterId) } : {}),
      ...(audit ? { decidedAt: iso(audit.decidedAt) } : {}),
    };
  }
}

/**
 * Who a stored user id is, as an export may say it: the e-mail or user id a trusted proxy forwarded; an
 * anonymous session's id is never shown (with the signing key it is the session cookie).
 */
export function person(userId: string, exporterId: string): ExportPerson {
  const who = identityOf(userId);
  if (who.kind === "email") return { ...who, label: who.email };
  if (who.kind === "user") return { ...who, label: `user ${who.userId}` };
  const owner = userId === exporterId;
  return {
    kind: "anonymous",
    owner,
    label: owner ? "the chat's owner (anonymous session)" : "an anonymous session",
  };
}
