import { cancelChatRun } from "@/lib/chat/cancel";
import { getTurnDeps } from "@/lib/chat/deps";
import { ApiError } from "@/lib/http/errors";
import { CHAT_ID_PATTERN } from "@/lib/shared/chat";

export const dynamic = "force-dynamic";

/** Stop: cancel the chat's run upstream and stop polling it. */
export async function POST(
  _request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  try {
    if (!CHAT_ID_PATTERN.test(id))
      throw new ApiError("bad_request", "Chat id must be 1-64 letters, digits, '-' or '_'.");
    return Response.json(await cancelChatRun(getTurnDeps(), id));
  } catch (err) {
    if (err instanceof ApiError) return err.toResponse();
    throw err;
  }
}
