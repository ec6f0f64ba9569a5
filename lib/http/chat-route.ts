import { requireOwner } from "@/lib/auth/request";
import type { ChatOwner } from "@/lib/db/chat-store";
import { CHAT_ID_PATTERN } from "@/lib/shared/chat";
import { ApiError } from "./errors";
import { route } from "./route";

/** A chat id from the URL, or a 400 saying what a chat id looks like. */
export function parseChatId(raw: string): string {
  if (!CHAT_ID_PATTERN.test(raw)) {
    throw new ApiError("bad_request", "Chat id must be 1-64 letters, digits, '-' or '_'.");
  }
  return raw;
}

/**
 * A handler for a route under `/api/chat/{id}`: it gets the person asking and the validated chat id, and
 * every refusal it throws becomes the one JSON error shape.
 */
export function chatRoute(
  handle: (request: Request, chat: { owner: ChatOwner; chatId: string }) => Promise<Response>,
) {
  return route(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
    const owner = await requireOwner(request);
    const chatId = parseChatId((await params).id);
    return await handle(request, { owner, chatId });
  });
}
