/**
 * The JSON export of a chat (`GET /api/chat/{id}/export?format=json`), version 1. Built on the server from the
 * stored chat, never from what a browser holds. Times are ISO 8601 in UTC. A field that is absent was not
 * recorded (or does not apply); fields are only ever added within a version, a change of meaning bumps it.
 *
 * Left out on purpose: text the run set aside (a crashed attempt's unfinished draft), the upstream's run and
 * response ids, poll counts, cursors, and the ids of anonymous sessions (half of a session cookie).
 */

import type { RunState } from "@/lib/db/chat-store";
import type { RunOutcomeData } from "@/lib/shared/chat";
import type { AnswerUsage, ChatUsage } from "@/lib/shared/usage";

export const CHAT_EXPORT_FORMAT = "background-agent-chat/chat-export";
export const CHAT_EXPORT_VERSION = 1;

export interface ChatExport {
  format: typeof CHAT_EXPORT_FORMAT;
  version: typeof CHAT_EXPORT_VERSION;
  exportedAt: string;
  chat: { id: string; title: string; createdAt: string; updatedAt: string };
  /**
   * False when a run was still going at export time: the last answer is what had been stored so far (its tool
   * calls then have no times: the app records those with the finished message).
   */
  complete: boolean;
  /** The chat's latest run: still going, or how it ended (with why, when it did not complete). */
  lastRun?: { state: RunState; startedAt: string; finishedAt?: string; error?: string };
  /**
   * The chat's totals, added up from its answers' `usage` (an answer still being written counts as an answer
   * only; `measured` says how many answers the sums cover). `tokens` is absent when no upstream reported usage.
   */
  usage: ChatUsage;
  /** Questions and answers in the order they were asked. */
  messages: ExportMessage[];
}

export interface ExportMessage {
  id: string;
  role: "user" | "assistant";
  /** The message's own text (its text blocks, a blank line apart): what "Copy message" copies. */
  text: string;
  /** Everything the message showed, in order. */
  blocks: ExportBlock[];
  /** How the run behind an answer ended when it did not simply complete: failed, stopped, cut short, retried. */
  outcome?: { status: RunOutcomeData["status"]; message: string };
  /**
   * What a finished answer took: run time, cycles (upstream responses), tool calls, and the tokens the
   * upstream reported (absent when it reported none; a detail absent when it was never reported).
   */
  usage?: AnswerUsage;
}

export type ExportBlock =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string }
  | ExportToolCall
  | { type: "source"; url: string; title?: string }
  /** The tools an MCP server offered the agent. */
  | {
      type: "mcp_tools";
      server: string;
      tools: Array<{ name: string; description?: string }>;
      error?: string;
    }
  /** An upstream item the app has no card for, as the chat showed it (its JSON, shortened when long). */
  | { type: "item"; itemType: string; summary: string };

export type ToolCallState =
  /** Called, and no result recorded (still running, or the run ended first). */
  | "started"
  | "awaiting_approval"
  /** Approved, its result not in yet. */
  | "approved"
  | "completed"
  | "failed"
  /** Denied by the person: it did not run. */
  | "denied"
  /** Never decided: the person wrote something else instead, and the request lapsed. */
  | "lapsed";

export interface ExportToolCall {
  type: "tool_call";
  id: string;
  name: string;
  /** Where it ran: on the agent (a hosted tool), in this app (its own function tools), or an MCP server. */
  ranOn: "agent" | "app" | "mcp";
  /** The MCP server's label. */
  server?: string;
  input: unknown;
  output?: unknown;
  error?: string;
  state: ToolCallState;
  /** As the app saw the call start and end (hosted tools: to within a poll interval). */
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** Present for a call that needed a person's approval. */
  approval?: ExportApproval;
}

export interface ExportApproval {
  /** The approval request's id. */
  id: string;
  decision: "approved" | "denied" | "pending" | "lapsed";
  reason?: string;
  /** From the approvals audit log; absent for a decision recorded without one. */
  decidedBy?: ExportPerson;
  decidedAt?: string;
}

/** Who decided. `label` is how the Markdown export names them. */
export type ExportPerson =
  /** Signed in through a trusted proxy (Databricks Apps) that forwarded their e-mail. */
  | { kind: "email"; email: string; label: string }
  /** Signed in through a trusted proxy that forwarded a user id without an e-mail (a service principal). */
  | { kind: "user"; userId: string; label: string }
  /** An anonymous browser session; `owner` when it is the chat's owner, who exported it. */
  | { kind: "anonymous"; owner: boolean; label: string };
