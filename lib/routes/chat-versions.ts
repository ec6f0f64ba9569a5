import { chatVersions, switchChatVersion } from "@/lib/chat/versions";
import { getChatStore } from "@/lib/db";
import { chatRoute } from "@/lib/http/chat-route";
import { ApiError, readJsonBody, validationError } from "@/lib/http/errors";
import { parseVersionSwitch } from "@/lib/shared/chat-requests";

/**
 * `GET /api/chat/{id}/versions`: the chat's transcript (its active branch) and which version each message with
 * versions shows, by message id: what the page shows after an edit or regenerate, or after one was refused.
 */
export const GET = chatRoute(async (_request, { owner, chatId }) => {
  const store = getChatStore();
  const chat = await store.getChat(chatId, owner.id);
  if (!chat) throw new ApiError("not_found", "There is no such chat.");
  return Response.json({ messages: chat.messages, versions: await chatVersions(store, chat, owner.id) });
});

/**
 * `POST /api/chat/{id}/versions` `{ messageId, version }`: show that version of the message (1-based) and the
 * conversation that followed it there. Answers the chat's transcript and versions as they now are; refused
 * with 409 while a run is in progress, and nothing changes on any refusal.
 */
export const POST = chatRoute(async (request, { owner, chatId }) => {
  const parsed = parseVersionSwitch(await readJsonBody(request, 4096));
  if (!parsed.success) throw validationError(parsed.error);
  return Response.json(await switchChatVersion(getChatStore(), chatId, owner, parsed.data));
});
