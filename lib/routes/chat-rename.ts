import { renameChat } from "@/lib/chat/rename";
import { getChatStore } from "@/lib/db";
import { chatRoute } from "@/lib/http/chat-route";
import { readJsonBody, validationError } from "@/lib/http/errors";
import { renameChatSchema } from "@/lib/shared/chat-list";

const MAX_BODY_BYTES = 4 * 1024;

/**
 * `PATCH /api/chat/{id}` with `{ title }`: rename the chat. The title is cleaned up (one line, trimmed) and
 * must then be 1 to 200 characters; the answer is the stored `{ id, title }`. Another person's chat is a 404.
 */
export const PATCH = chatRoute(async (request, { owner, chatId }) => {
  const body = renameChatSchema.safeParse(await readJsonBody(request, MAX_BODY_BYTES));
  if (!body.success) throw validationError(body.error);
  return Response.json(await renameChat(getChatStore(), chatId, owner.id, body.data.title), {
    headers: { "Cache-Control": "no-store" },
  });
});
