import { getTurnDeps } from "@/lib/chat/deps";
import { resumeChatRun } from "@/lib/chat/resume";
import { chatRoute } from "@/lib/http/chat-route";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";
export const maxDuration = 300;

/** Reconnect to a chat's run in progress (reload, restart, hand-over); 204 when none is in progress. */
export const GET = chatRoute(async (request, { owner, chatId }) => {
  const response = await resumeChatRun(getTurnDeps(request), {
    chatId,
    ownerId: owner.id,
    signal: request.signal,
  });
  return response ?? new Response(null, { status: 204 });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
