import type { UpstreamItem } from "@/lib/shared/upstream";

/** Item types that go back upstream as conversation history. Reasoning and unknown types stay local. */
const REPLAYED_TYPES = new Set([
  "message",
  "function_call",
  "function_call_output",
  "mcp_approval_request",
  "mcp_approval_response",
  "mcp_call",
]);

/**
 * Build the next request's input from the server's own record. Drops what an upstream would reject:
 * id-less partial items cut off by a stop, and function calls without their output (or outputs without
 * their call) — Databricks answers an orphaned pair with 400 — and approval requests nobody answered.
 */
export function toUpstreamInput(history: readonly UpstreamItem[]): UpstreamItem[] {
  const calls = new Set<string>();
  const outputs = new Set<string>();
  const answeredApprovals = new Set<string>();
  for (const item of history) {
    if (item.type === "mcp_approval_response" && typeof item.approval_request_id === "string") {
      answeredApprovals.add(item.approval_request_id);
    }
    if (typeof item.call_id !== "string") continue;
    if (item.type === "function_call") calls.add(item.call_id);
    if (item.type === "function_call_output") outputs.add(item.call_id);
  }
  const input: UpstreamItem[] = [];
  for (const item of history) {
    if (!REPLAYED_TYPES.has(item.type)) continue;
    if (item.type === "message" && item.role === "assistant" && (!item.id || item.status === "in_progress"))
      continue;
    if (item.type === "function_call" && !outputs.has(item.call_id as string)) continue;
    if (item.type === "function_call_output" && !calls.has(item.call_id as string)) continue;
    // A request the person never answered (they wrote something else instead) lapses.
    if (item.type === "mcp_approval_request" && !answeredApprovals.has(item.id as string)) continue;
    input.push(item);
  }
  return input;
}

export function userMessageItem(text: string): UpstreamItem {
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}
