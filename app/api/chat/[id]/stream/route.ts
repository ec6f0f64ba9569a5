import { getTurnDeps } from "@/lib/chat/deps";
import { resumeChatRun } from "@/lib/chat/resume";
import { CHAT_ID_PATTERN } from "@/lib/shared/chat";

export const dynamic = "force-dynamic";
export const maxDuration = 300;

/** Reconnect to a chat's run in progress (reload, restart, hand-over); 204 when there is none. */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  const { id } = await params;
  if (!CHAT_ID_PATTERN.test(id)) return new Response(null, { status: 204 });
  const response = await resumeChatRun(getTurnDeps(), { chatId: id, signal: request.signal });
  return response ?? new Response(null, { status: 204 });
}
