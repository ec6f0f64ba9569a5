import { z } from "zod";
import { exportChat } from "@/lib/chat/export";
import { getChatStore } from "@/lib/db";
import { attachment, EXPORT_FORMATS } from "@/lib/export/file";
import { chatRoute } from "@/lib/http/chat-route";
import { ApiError, validationError } from "@/lib/http/errors";
import { getSupervisor } from "@/lib/supervisor";

const exportQuerySchema = z
  .object({
    format: z.enum(EXPORT_FORMATS, {
      error: "Choose an export format: ?format=markdown or ?format=json.",
    }),
  })
  .strict();

/**
 * `GET /api/chat/{id}/export?format=markdown|json`: the chat as a file to download, built from what the server
 * stored (a run still going is exported as far as it got, and the file says so). Another person's chat is a
 * 404, as everywhere.
 */
export const GET = chatRoute(async (request, { owner, chatId }) => {
  const query = exportQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw validationError(query.error);
  const file = await exportChat(getChatStore(), chatId, owner, query.data.format, {
    clientTools: new Set(getSupervisor().registry.names()),
  });
  if (!file) throw new ApiError("not_found", "There is no chat with this id.");
  return new Response(file.body, {
    headers: {
      "Content-Type": file.contentType,
      "Content-Disposition": attachment(file.filename),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
});
