import type { UpstreamItem } from "@/lib/shared/upstream";

export interface Decision {
  approvalRequestId: string;
  approve: boolean;
  reason?: string;
}

export type DecisionCheck =
  | { ok: true; responses: UpstreamItem[] }
  /** `invalid`: not a decision that can be made; `missing`: no such request; `conflict`: already decided. */
  | { ok: false; code: "invalid" | "missing" | "conflict"; message: string };

const isUserMessage = (item: UpstreamItem) => item.type === "message" && item.role === "user";

/** Answered approval request ids in a history. */
function answeredIds(history: readonly UpstreamItem[]): Set<string> {
  const ids = new Set<string>();
  for (const item of history) {
    if (item.type === "mcp_approval_response" && typeof item.approval_request_id === "string")
      ids.add(item.approval_request_id);
  }
  return ids;
}

/**
 * Approval requests still waiting for a person: asked since the last user message and not answered. Once the
 * person writes something else instead, older requests lapse (they are no longer sent upstream either).
 */
export function pendingApprovalRequests(history: readonly UpstreamItem[]): UpstreamItem[] {
  let lastUser = -1;
  history.forEach((item, index) => {
    if (isUserMessage(item)) lastUser = index;
  });
  const answered = answeredIds(history);
  return history
    .slice(lastUser + 1)
    .filter(
      (item) => item.type === "mcp_approval_request" && typeof item.id === "string" && !answered.has(item.id),
    );
}

/**
 * Check a person's decisions against the server's own record and turn them into `mcp_approval_response`
 * items. All pending requests of the response are decided together (the browser sends once every card has
 * an answer), so one follow-up cycle carries them all. Unknown, lapsed, already answered or duplicated ids
 * are refused and nothing goes upstream.
 */
export function checkDecisions(
  history: readonly UpstreamItem[],
  decisions: readonly Decision[],
): DecisionCheck {
  const seen = new Set<string>();
  for (const decision of decisions) {
    if (seen.has(decision.approvalRequestId)) {
      return {
        ok: false,
        code: "invalid",
        message: `Approval request ${decision.approvalRequestId} was decided twice in one request.`,
      };
    }
    seen.add(decision.approvalRequestId);
  }
  const requested = new Set(
    history.flatMap((item) =>
      item.type === "mcp_approval_request" && typeof item.id === "string" ? [item.id] : [],
    ),
  );
  const answered = answeredIds(history);
  const pending = new Set(pendingApprovalRequests(history).map((item) => item.id as string));
  for (const { approvalRequestId: id } of decisions) {
    if (!requested.has(id))
      return { ok: false, code: "missing", message: `There is no approval request ${id} in this chat.` };
    if (answered.has(id))
      return { ok: false, code: "conflict", message: `Approval request ${id} has already been answered.` };
    if (!pending.has(id)) {
      return {
        ok: false,
        code: "conflict",
        message: `Approval request ${id} is no longer pending: the conversation has moved on.`,
      };
    }
  }
  const undecided = [...pending].filter((id) => !seen.has(id));
  if (undecided.length > 0) {
    return {
      ok: false,
      code: "invalid",
      message: `Decide every pending approval request together; still undecided: ${undecided.join(", ")}.`,
    };
  }
  return { ok: true, responses: decisions.map(approvalResponseItem) };
}

export function approvalResponseItem(decision: Decision): UpstreamItem {
  return {
    type: "mcp_approval_response",
    approval_request_id: decision.approvalRequestId,
    approve: decision.approve,
    ...(decision.reason ? { reason: decision.reason } : {}),
  };
}
