import type { RunOutcomeData } from "@/lib/shared/chat";
import { chatUsageSummary, describeTokens, usageSummary } from "@/lib/shared/usage";
import type { ChatExport, ExportApproval, ExportBlock, ExportMessage, ExportToolCall } from "./shape";

/**
 * The Markdown export: the chat for a person to read, built from the JSON export so both say the same. The
 * question and the agent's text are written as they are (markdown already; this is a file, not rendered by
 * the app); tool calls are fenced JSON, approvals one line each saying who decided and when.
 */
export function chatExportMarkdown(doc: ChatExport): string {
  const lines = [
    `# ${oneLine(doc.chat.title) || "Chat"}`,
    "",
    `Exported from Background Agent Chat on ${readableTime(doc.exportedAt)}. Chat started ` +
      `${readableTime(doc.chat.createdAt)}, last updated ${readableTime(doc.chat.updatedAt)}.`,
    "",
    `Totals: ${chatUsageSummary(doc.usage)}${doc.usage.tokens ? ` (${describeTokens(doc.usage.tokens)})` : ""}.`,
  ];
  if (!doc.complete) {
    lines.push(
      "",
      "> **Still running:** a run was going on when this chat was exported. The last answer is what had been " +
        "stored so far.",
    );
  }
  for (const message of doc.messages) lines.push("", ...messageLines(message));
  return `${lines.join("\n")}\n`;
}

function messageLines(message: ExportMessage): string[] {
  const lines = ["---", "", message.role === "user" ? "## You" : "## Agent"];
  for (const block of message.blocks) lines.push("", ...blockLines(block));
  if (message.blocks.length === 0) lines.push("", "_Nothing stored yet._");
  if (message.outcome)
    lines.push("", `> **${OUTCOME_LABEL[message.outcome.status]}:** ${message.outcome.message}`);
  if (message.usage) {
    const tokens = message.usage.tokens ? ` (${describeTokens(message.usage.tokens)})` : "";
    lines.push("", `_Usage: ${usageSummary(message.usage)}${tokens}_`);
  }
  return lines;
}

const OUTCOME_LABEL: Record<RunOutcomeData["status"], string> = {
  failed: "Run failed",
  cancelled: "Stopped",
  incomplete: "Cut short",
  expired: "Expired",
  error: "Run ended with an error",
  retried: "Retried",
};

function blockLines(block: ExportBlock): string[] {
  switch (block.type) {
    case "text":
      return [block.text.trim()];
    case "reasoning":
      return quote(`_Reasoning:_ ${block.text.trim()}`);
    case "tool_call":
      return toolCallLines(block);
    case "source":
      return [`Source: ${block.title ? `${oneLine(block.title)} ` : ""}<${block.url}>`];
    case "mcp_tools":
      return [
        `_${code(block.server)} offers ${block.tools.length} tool${block.tools.length === 1 ? "" : "s"}:_ ` +
          (block.tools.map((tool) => code(tool.name)).join(", ") || "none") +
          (block.error ? ` (${oneLine(block.error)})` : ""),
      ];
    case "item":
      return [
        `Item ${code(block.itemType)} (the app has no card for it):`,
        "",
        ...fenced(block.summary, "json"),
      ];
  }
}

const RAN_ON_LABEL = { agent: "ran on the agent", app: "ran in the app", mcp: "MCP" } as const;

function toolCallLines(call: ExportToolCall): string[] {
  const about = [
    call.server ? `on ${code(call.server)}` : RAN_ON_LABEL[call.ranOn],
    call.state.replace("_", " "),
    ...(call.durationMs !== undefined ? [duration(call.durationMs)] : []),
  ];
  const details: Record<string, unknown> = { input: call.input };
  if ("output" in call) details.output = call.output;
  if (call.error !== undefined) details.error = call.error;
  return [
    `**Tool call ${code(call.name)}** · ${about.join(" · ")}`,
    ...(call.approval ? ["", approvalLine(call.approval)] : []),
    "",
    ...fenced(JSON.stringify(details, null, 2), "json"),
  ];
}

/** "Approved by ada@example.com at 2026-12-05 15:02 UTC", or what is known of a decision. */
export function approvalLine(approval: ExportApproval): string {
  if (approval.decision === "pending") return "**Waiting for approval.**";
  if (approval.decision === "lapsed") return "**Not decided:** the conversation moved on before a decision.";
  const who = approval.decidedBy ? ` by ${approval.decidedBy.label}` : "";
  const when = approval.decidedAt ? ` at ${readableTime(approval.decidedAt)}` : "";
  const unknown = who || when ? "" : " (who decided and when was not recorded)";
  const reason = approval.reason ? `: ${oneLine(approval.reason)}` : "";
  return `**${approval.decision === "approved" ? "Approved" : "Denied"}**${who}${when}${unknown}${reason}`;
}

/** "2026-12-05 15:02 UTC" from an ISO time. */
export function readableTime(isoTime: string): string {
  return `${isoTime.slice(0, 16).replace("T", " ")} UTC`;
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function quote(text: string): string[] {
  return text.split("\n").map((line) => (line ? `> ${line}` : ">"));
}

/** An inline code span that holds any text: its fence is longer than any run of backticks inside. */
function code(text: string): string {
  const flat = oneLine(text) || " ";
  const fence = "`".repeat(longestRun(flat, "`") + 1);
  const padded = flat.startsWith("`") || flat.endsWith("`") ? ` ${flat} ` : flat;
  return `${fence}${padded}${fence}`;
}

/** A fenced code block that no line of `text` can close early. */
function fenced(text: string, language: string): string[] {
  const fence = "`".repeat(Math.max(3, longestRun(text, "`") + 1));
  return [`${fence}${language}`, text, fence];
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let run = 0;
  for (const c of text) {
    run = c === char ? run + 1 : 0;
    longest = Math.max(longest, run);
  }
  return longest;
}
