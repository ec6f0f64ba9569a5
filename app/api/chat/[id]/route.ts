import { requireOwner } from "@/lib/auth/request";
import { getChatStore } from "@/lib/db";
import { ChatBusyError } from "@/lib/db/chat-store";
import { ApiError, errorResponse } from "@/lib/http/errors";
import { parseChatId } from "@/lib/http/params";

export const dynamic = "force-dynamic";

/** Delete a chat with everything in it; refused while its run is still going (stop it first). */
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const owner = requireOwner(request);
    const id = parseChatId((await params).id);
    const deleted = await getChatStore().deleteChat(id, { unlessRunning: true, ownerId: owner.id });
    if (!deleted) throw new ApiError("not_found", "There is no chat with this id.");
    return new Response(null, { status: 204 });
  } catch (err) {
    if (ChatBusyError.is(err)) {
      return new ApiError("conflict", "Stop the run before deleting this chat.").toResponse();
    }
    return errorResponse(err);
  }
}
