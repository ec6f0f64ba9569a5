import { getChatStore } from "@/lib/db";
import { ChatBusyError } from "@/lib/db/chat-store";
import { chatRoute } from "@/lib/http/chat-route";
import { ApiError } from "@/lib/http/errors";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

/** Delete a chat with everything in it; refused while its run is still going (stop it first). */
export const DELETE = chatRoute(async (_request, { owner, chatId }) => {
  try {
    if (!(await getChatStore().deleteChat(chatId, { unlessRunning: true, ownerId: owner.id }))) {
      throw new ApiError("not_found", "There is no chat with this id.");
    }
  } catch (err) {
    if (ChatBusyError.is(err)) throw new ApiError("conflict", "Stop the run before deleting this chat.");
    throw err;
  }
  return new Response(null, { status: 204 });
});

export const { GET, POST, PUT, PATCH } = otherMethods("DELETE");
