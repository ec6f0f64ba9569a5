import { cancelChatRun } from "@/lib/chat/cancel";
import { getTurnDeps } from "@/lib/chat/deps";
import { chatRoute } from "@/lib/http/chat-route";

/** `POST /api/chat/{id}/cancel`: Stop. Cancel the chat's run upstream and stop polling it. */
export const POST = chatRoute(async (request, { owner, chatId }) =>
  Response.json(await cancelChatRun(getTurnDeps(request), chatId, owner.id)),
);
