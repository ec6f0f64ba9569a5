import { markChatSeen } from "@/lib/chat/rename";
import { getChatStore } from "@/lib/db";
import { chatRoute } from "@/lib/http/chat-route";

/**
 * `POST /api/chat/{id}/seen` (no body): the chat is on the person's screen, so the history list stops marking its
 * last answer as unread. 204; another person's chat, or none, is a 404.
 */
export const POST = chatRoute(async (_request, { owner, chatId }) => {
  await markChatSeen(getChatStore(), chatId, owner.id);
  return new Response(null, { status: 204, headers: { "Cache-Control": "no-store" } });
});
