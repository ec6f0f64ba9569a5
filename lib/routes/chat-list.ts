import { requireOwner } from "@/lib/auth/request";
import { listChats } from "@/lib/chat/list";
import { getChatStore } from "@/lib/db";
import { validationError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { parseChatListQuery } from "@/lib/shared/chat-list";

/**
 * `GET /api/chats[?q=…]`: the history sidebar's list, newest (most recently updated) first; with `q`, only the
 * chats whose title or message text contains it (each with a snippet of the text where the title does not).
 */
export const GET = route(async (request: Request): Promise<Response> => {
  const owner = await requireOwner(request);
  const query = parseChatListQuery(new URL(request.url).searchParams);
  if (!query.success) throw validationError(query.error);
  const chats = await listChats(getChatStore(), owner.id, query.data.q || undefined);
  return Response.json({ chats }, { headers: { "Cache-Control": "no-store" } });
});
