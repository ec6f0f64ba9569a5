import { z } from "zod";
import { deleteChat } from "@/lib/chat/delete";
import { getTurnDeps } from "@/lib/chat/deps";
import { chatRoute } from "@/lib/http/chat-route";
import { validationError } from "@/lib/http/errors";

const deleteQuerySchema = z.object({
  stop: z.enum(["true", "false"], { error: 'The "stop" parameter must be true or false.' }).optional(),
});

/**
 * `DELETE /api/chat/{id}[?stop=true]`: delete a chat with everything in it; refused while its run goes on,
 * unless `?stop=true` stops it first.
 */
export const DELETE = chatRoute(async (request, { owner, chatId }) => {
  const query = deleteQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw validationError(query.error);
  await deleteChat(getTurnDeps(request), chatId, owner.id, { stop: query.data.stop === "true" });
  return new Response(null, { status: 204 });
});
