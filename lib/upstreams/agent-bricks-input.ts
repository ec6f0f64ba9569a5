import { isMessageItem, messageText, type UpstreamItem } from "@/lib/shared/upstream";

/**
 * What one Agent Bricks invocation is sent. The agent keeps the conversation itself (keyed by the session), so
 * an invocation carries only what is new: the person's message, or, after a pause, the decisions on the
 * actions it asked about: `{resume: {decisions}}`, one per action request, in the interrupt's order, each with
 * the tool call's id where the agent gave one.
 */
export function toBricksInput(
  input: readonly UpstreamItem[],
  actor: string | undefined,
): Record<string, unknown> {
  const decisions = trailingDecisions(input);
  if (decisions) return { resume: { decisions } };
  const lastUser = input.findLast((item) => isMessageItem(item) && item.role === "user");
  const text = lastUser && isMessageItem(lastUser) ? messageText(lastUser) : "";
  return { messages: [{ role: "user", content: text }], ...(actor ? { actor } : {}) };
}

interface BricksOrigin {
  interrupt_id: string;
  index: number;
  call_id?: string;
}

/** The decisions the input ends with (approval responses after the last user message), in request order. */
function trailingDecisions(input: readonly UpstreamItem[]): Array<Record<string, unknown>> | undefined {
  const responses = new Map<string, UpstreamItem>();
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i] as UpstreamItem;
    if (item.type === "message" && item.role === "user") break;
    if (item.type === "mcp_approval_response" && typeof item.approval_request_id === "string")
      responses.set(item.approval_request_id, item);
  }
  if (responses.size === 0) return undefined;
  const requests = input
    .filter(
      (item) => item.type === "mcp_approval_request" && typeof item.id === "string" && responses.has(item.id),
    )
    .map((item) => ({ item, origin: item.agent_bricks as BricksOrigin | undefined }))
    .sort((a, b) => (a.origin?.index ?? 0) - (b.origin?.index ?? 0));
  return requests.map(({ item, origin }) => {
    const response = responses.get(item.id as string) as UpstreamItem;
    const reason = typeof response.reason === "string" && response.reason ? response.reason : undefined;
    return {
      type: response.approve === true ? "approve" : "reject",
      ...(origin?.call_id ? { call_id: origin.call_id } : {}),
      ...(response.approve !== true && reason ? { message: reason } : {}),
    };
  });
}
