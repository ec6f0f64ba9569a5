import { DefaultChatTransport, isToolUIPart } from "ai";
import type { ChatMessage, TurnSettings } from "@/lib/shared/chat";
import type { ApprovalDecision } from "@/lib/shared/chat-requests";
import { turnSettingsOf, useSettingsStore } from "./settings-store";

/**
 * The browser sends only the chat id and either the new user message, the person's approval decisions, a
 * retry, an edit (the message it replaces and the new one) or a regenerate (the answer's id): the server
 * keeps the history and never takes it from the client.
 */
export function createChatTransport() {
  return new DefaultChatTransport<ChatMessage>({
    api: "/api/chat",
    prepareSendMessagesRequest: ({ id, messages, body, trigger, messageId }) => {
      // Read at send time: a setting changed mid-chat applies from the next turn on.
      const settings = turnSettingsOf(useSettingsStore.getState());
      if (body?.retry === true) return { body: { id, retry: true, ...settings } };
      if (trigger === "regenerate-message" && messageId) {
        return { body: { id, regenerate: { messageId }, ...settings } };
      }
      const last = messages.at(-1);
      if (typeof body?.edit === "string") {
        return { body: { id, edit: { messageId: body.edit, message: last }, ...settings } };
      }
      if (last?.role === "assistant") return { body: { id, decisions: pendingDecisions(last), ...settings } };
      return { body: { id, message: last, ...settings } };
    },
    // A reconnect has no body: the same settings go as query parameters.
    prepareReconnectToStreamRequest: ({ id }) => ({
      api: `/api/chat/${encodeURIComponent(id)}/stream${resumeQuery(turnSettingsOf(useSettingsStore.getState()))}`,
    }),
  });
}

function resumeQuery(settings: TurnSettings): string {
  const params = new URLSearchParams();
  if (settings.pollIntervalMs) params.set("pollIntervalMs", String(settings.pollIntervalMs));
  if (settings.revealSpeed) params.set("revealSpeed", settings.revealSpeed);
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** Decisions the person made on this message's approval cards that the server has not acted on yet. */
export function pendingDecisions(message: ChatMessage): ApprovalDecision[] {
  return message.parts.flatMap((part) => {
    if (!isToolUIPart(part) || part.state !== "approval-responded") return [];
    const { id, approved, reason } = part.approval;
    return [{ approvalRequestId: id, approve: approved, ...(reason ? { reason } : {}) }];
  });
}
