import { getChatStore } from "@/lib/db";
import { ChatBusyError } from "@/lib/db/chat-store";
import { ApiError } from "@/lib/http/errors";
import { CHAT_ID_PATTERN } from "@/lib/shared/chat";

export const dynamic = "force-dynamic";

/** Delete a chat with everything in it; refused while its run is still going (stop it first). */
export async function DELETE(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!CHAT_ID_PATTERN.test(id)) {
    return new ApiError("bad_request", "Chat id must be 1-64 letters, digits, '-' or '_'.").toResponse();
  }
  try {
    if (!(await getChatStore().deleteChat(id, { unlessRunning: true }))) return notFound();
  } catch (err) {
    if (err instanceof ChatBusyError) {
      return new ApiError("conflict", "Stop the run before deleting this chat.").toResponse();
    }
    throw err;
  }
  return new Response(null, { status: 204 });
}

const notFound = () => new ApiError("not_found", "There is no chat with this id.").toResponse();
