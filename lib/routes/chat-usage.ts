import { getChatStore } from "@/lib/db";
import { chatRoute } from "@/lib/http/chat-route";
import { ApiError } from "@/lib/http/errors";
import { chatUsage } from "@/lib/shared/usage";

/**
 * `GET /api/chat/{id}/usage`: the chat's totals (answers, tool calls, run time, tokens), added up from the usage
 * stored with each answer. An answer still being written counts as an answer, not yet in the sums. Another
 * person's chat is a 404, as everywhere.
 */
export const GET = chatRoute(async (_request, { owner, chatId }) => {
  const chat = await getChatStore().getChat(chatId, owner.id);
  if (!chat) throw new ApiError("not_found", "There is no chat with this id.");
  const running = chat.run?.state === "running";
  const totals = chatUsage(chat.messages, running ? chat.run?.runId : undefined);
  return Response.json({ ...totals, running }, { headers: { "Cache-Control": "no-store" } });
});
