import { cancelChatRun } from "@/lib/chat/cancel";
import { getTurnDeps } from "@/lib/chat/deps";
import { chatRoute } from "@/lib/http/chat-route";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

/** Stop: cancel the chat's run upstream and stop polling it. */
export const POST = chatRoute(async (request, { owner, chatId }) =>
  Response.json(await cancelChatRun(getTurnDeps(request), chatId, owner.id)),
);

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
