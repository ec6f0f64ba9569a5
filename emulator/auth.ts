// Who may call the emulator: the configured token (EMULATOR_TOKEN), or a token its OAuth endpoint issued to the
// configured service principal (and has not expired). Shared by every flavour.

import type { ApiError } from "./errors";
import type { TokenIssuer } from "./oauth";

/** The request's bearer token (or Azure-style `api-key`) checked; undefined when it may pass. */
export function checkAuth(
  request: Request,
  token: string | undefined,
  issuer?: TokenIssuer,
): ApiError | undefined {
  if (token === undefined && !issuer) return undefined;
  // Azure OpenAI's style: the key in an `api-key` header.
  const apiKey = request.headers.get("api-key");
  if (apiKey !== null && apiKey === token) return undefined;
  const header = request.headers.get("authorization");
  if (!header) {
    return {
      status: 401,
      kind: "unauthenticated",
      message:
        "Missing 'Authorization: Bearer <token>' header: this emulator was started with a token (EMULATOR_TOKEN).",
    };
  }
  const sent = /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
  if (sent === undefined || (sent !== token && !issuer?.accepts(sent))) {
    // Never echo the token sent or the one expected.
    return {
      status: 401,
      kind: "unauthenticated",
      message: "The bearer token is not valid for this emulator.",
    };
  }
  return undefined;
}
