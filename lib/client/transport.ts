import { DefaultChatTransport, isToolUIPart } from "ai";
import type { ApprovalDecision, ChatMessage } from "@/lib/shared/chat";

/**
 * The browser sends only the chat id and either the new user message or the person's approval decisions:
 * the server keeps the history and never takes it from the client.
 */
export function createChatTransport() {
  return new DefaultChatTransport<ChatMessage>({
    api: "/api/chat",
    prepareSendMessagesRequest: ({ id, messages, body }) => {
      if (body?.retry === true) return { body: { id, retry: true } };
      const last = messages.at(-1);
      if (last?.role === "assistant") return { body: { id, decisions: pendingDecisions(last) } };
      return { body: { id, message: last } };
    },
  });
}

/** Decisions the person made on this message's approval cards that the server has not acted on yet. */
export function pendingDecisions(message: ChatMessage): ApprovalDecision[] {
  return message.parts.flatMap((part) => {
    if (!isToolUIPart(part) || part.state !== "approval-responded") return [];
    const { id, approved, reason } = part.approval;
    return [{ approvalRequestId: id, approve: approved, ...(reason ? { reason } : {}) }];
  });
}

/** Route errors arrive as `{error: {message}}` JSON in the error's text; show the sentence, not the JSON. */
export function readableError(error: Error): string {
  try {
    const parsed = JSON.parse(error.message) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message;
  } catch {
    // not JSON: a network failure or a plain-text error
  }
  return error.message || "Something went wrong.";
}
