import { crossSiteRefusal } from "@/lib/auth/origin";
import { NotSignedInError } from "@/lib/auth/request";
import { sessionOf } from "@/lib/auth/session";
import { getTurnDeps } from "@/lib/chat/deps";
import { startChatTurn, type TurnInput } from "@/lib/chat/turn";
import { ApiError, discardBody, readJsonBody, validationError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { type ChatMessage, MAX_MESSAGE_CHARS } from "@/lib/shared/chat";
import { type ChatRequest, parseChatRequest } from "@/lib/shared/chat-requests";

const MAX_BODY_BYTES = 256 * 1024;

/**
 * `POST /api/chat` (served from `pages/api/chat/index.ts`: see lib/http/node-route.ts): send a user message or
 * approval decisions: validate, then hand the turn to lib/chat, which streams the run. The proxy does not run
 * in front of this route (proxy.ts says why), so it refuses cross-site requests and starts a session itself.
 */
export const POST = route(async (request: Request): Promise<Response> => {
  const refused = crossSiteRefusal(request);
  if (refused) throw new ApiError("forbidden", refused);
  const { owner, started, setCookies } = await sessionOf(request);
  if (!owner) {
    await discardBody(request, 4 * MAX_BODY_BYTES);
    throw new NotSignedInError();
  }
  const parsed = parseChatRequest(await readJsonBody(request, MAX_BODY_BYTES));
  if (!parsed.success) throw validationError(parsed.error);
  const response = await startChatTurn(getTurnDeps(request), {
    chatId: parsed.data.id,
    owner,
    turn: toTurn(parsed.data),
    settings: { pollIntervalMs: parsed.data.pollIntervalMs, revealSpeed: parsed.data.revealSpeed },
    signal: request.signal,
  });
  if (started) response.headers.append("set-cookie", started.setCookie);
  for (const cookie of setCookies) response.headers.append("set-cookie", cookie);
  return response;
});

function toTurn(body: ChatRequest): TurnInput {
  if ("decisions" in body) return { kind: "approval", decisions: body.decisions };
  if ("retry" in body) return { kind: "retry" };
  if ("regenerate" in body) return { kind: "regenerate", messageId: body.regenerate.messageId };
  if ("edit" in body) return { ...userTurn(body.edit.message), kind: "edit", messageId: body.edit.messageId };
  return { ...userTurn(body.message), kind: "message" };
}

/** The text of a user message the browser sent, checked, and the message as it is stored. */
function userTurn(message: { id: string; parts: Array<{ text: string }> }) {
  const text = message.parts
    .map((part) => part.text)
    .join("\n")
    .trim();
  if (!text) throw new ApiError("bad_request", "The message is empty.");
  if (text.length > MAX_MESSAGE_CHARS) {
    throw new ApiError("payload_too_large", `The message is longer than ${MAX_MESSAGE_CHARS} characters.`);
  }
  // Only the validated text goes on: whatever else the browser put in the message is dropped.
  return {
    text,
    message: { id: message.id, role: "user", parts: [{ type: "text", text }] } satisfies ChatMessage,
  };
}
