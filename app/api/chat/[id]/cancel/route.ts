import { requireOwner } from "@/lib/auth/request";
import { cancelChatRun } from "@/lib/chat/cancel";
import { getTurnDeps } from "@/lib/chat/deps";
import { errorResponse } from "@/lib/http/errors";
import { parseChatId } from "@/lib/http/params";

export const dynamic = "force-dynamic";

/** Stop: cancel the chat's run upstream and stop polling it. */
export async function POST(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  try {
    const owner = requireOwner(request);
    const id = parseChatId((await params).id);
    return Response.json(await cancelChatRun(getTurnDeps(), id, owner.id));
  } catch (err) {
    return errorResponse(err);
  }
}
