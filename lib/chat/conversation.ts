import { identityOf } from "@/lib/auth/user-id";
import type { ConversationRef } from "@/lib/background";

/**
 * The chat's conversation as the agent knows it: the chat id, or the id the agent moved it to, and who asks.
 * Agent servers key their conversation memory on the first (`context.conversation_id`) and user-scoped memory
 * on the second (`context.user_id`).
 */
export function conversationOf(
  chat: { id: string; conversationId?: string },
  ownerId: string,
): ConversationRef {
  return { id: chat.conversationId ?? chat.id, userId: agentUserId(ownerId) };
}

/**
 * The person as an agent should know them: the e-mail (or user id) a trusted proxy forwarded, else the app's
 * own id for an anonymous browser session. The same person gets the same id on every turn and resume.
 */
export function agentUserId(ownerId: string): string {
  const who = identityOf(ownerId);
  return who.kind === "email" ? who.email : who.kind === "user" ? who.userId : ownerId;
}
