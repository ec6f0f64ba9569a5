import { requireOwner } from "@/lib/auth/request";
import { getTurnDeps } from "@/lib/chat/deps";
import { resumeChatRun } from "@/lib/chat/resume";
import { errorResponse } from "@/lib/http/errors";
import { parseChatId } from "@/lib/http/params";

export const dynamic = "force-dynamic";
export const maxDuration = 300;

/** Reconnect to a chat's run in progress (reload, restart, hand-over); 204 when none is in progress. */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  try {
    const owner = requireOwner(request);
    const id = parseChatId((await params).id);
    const response = await resumeChatRun(getTurnDeps(), {
      chatId: id,
      ownerId: owner.id,
      signal: request.signal,
    });
    return response ?? new Response(null, { status: 204 });
  } catch (err) {
    return errorResponse(err);
  }
}
