import { deleteChat, parseStopParam } from "@/lib/chat/delete";
import { getTurnDeps } from "@/lib/chat/deps";
import { chatRoute } from "@/lib/http/chat-route";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

/** Delete a chat with everything in it; refused while its run goes on, unless `?stop=true` stops it first. */
export const DELETE = chatRoute(async (request, { owner, chatId }) => {
  await deleteChat(getTurnDeps(request), chatId, owner.id, { stop: parseStopParam(request.url) });
  return new Response(null, { status: 204 });
});

/** Rename a chat: `{ title }`. */
export { PATCH } from "@/lib/routes/chat-rename";

export const { GET, POST, PUT } = otherMethods("DELETE", "PATCH");
