import { getTurnDeps } from "@/lib/chat/deps";
import { resumeChatRun } from "@/lib/chat/resume";
import { chatRoute } from "@/lib/http/chat-route";
import { validationError } from "@/lib/http/errors";
import { parseResumeSettings } from "@/lib/shared/chat-requests";

/**
 * `GET /api/chat/{id}/stream` (served from `pages/api/chat/[id]/stream.ts`: see lib/http/node-route.ts).
 * Reconnect to a chat's run in progress (reload, restart, hand-over); 204 when none is in progress. A GET has
 * no body, so the person's run settings come as query parameters (`?pollIntervalMs=10000&revealSpeed=slow`),
 * validated against the same choices as a turn's body: the browser sends what is chosen now, which also
 * covers a run started in another tab or before the settings changed.
 */
export const GET = chatRoute(async (request, { owner, chatId }) => {
  const settings = parseResumeSettings(new URL(request.url).searchParams);
  if (!settings.success) throw validationError(settings.error);
  const response = await resumeChatRun(getTurnDeps(request), {
    chatId,
    ownerId: owner.id,
    signal: request.signal,
    settings: settings.data,
  });
  return response ?? new Response(null, { status: 204 });
});
