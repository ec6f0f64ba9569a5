// How the agent server and the Databricks Apps proxy in front of it put things on the wire: FastAPI's
// `{"detail": …}` errors, `data:`-only event frames, and the proxy's redirect to the workspace login.

import { jsonResponse } from "../errors";
import type { StreamEvent } from "../stream";

/** Ends the stream of a run that completed (never one that failed), and every foreground stream. */
export const DONE_TRAILER = "data: [DONE]\n\n";

/** FastAPI's error body: `{"detail": "<message>"}`. */
export function detail(status: number, message: string): Response {
  return jsonResponse(status, { detail: message });
}

export const notFound = (): Response => detail(404, "Not Found");
export const methodNotAllowed = (): Response => detail(405, "Method Not Allowed");

/** A stored event as the retrieve stream sends it: its fields, then its sequence number and the run's id. */
export function storedFrame(responseId: string): (event: StreamEvent) => string {
  return ({ sequence_number, ...fields }) =>
    `data: ${JSON.stringify({ ...fields, sequence_number, response_id: responseId })}\n\n`;
}

/**
 * An event as MLflow streams a foreground request: exactly what the agent yielded, with no sequence number or
 * response id; a failure is a bare `{"error": "<message>"}`.
 */
export function foregroundFrame({ sequence_number: _cursor, ...fields }: StreamEvent): string {
  if (fields.type === "error") {
    const error = fields.error as { message?: unknown } | undefined;
    return `data: ${JSON.stringify({ error: String(error?.message ?? "") })}\n\n`;
  }
  return `data: ${JSON.stringify(fields)}\n\n`;
}

/** The workspace's login page, where the Apps proxy sends a caller without an OAuth token. */
export const AUTHORIZE_PATH = /\/oidc\/oauth2\/v2\.0\/authorize$/;

/** The emulated app's OAuth client, named in the login redirect. */
const APP_CLIENT_ID = "00000000-0000-0000-0000-0000000000a9";

/**
 * The Apps proxy's answer to a request without an accepted token (none, or a personal access token): a 302 to
 * the workspace login with an empty body, never a 401.
 */
export function loginRedirect(request: Request): Response {
  const url = new URL(request.url);
  const query = new URLSearchParams({
    client_id: APP_CLIENT_ID,
    redirect_uri: `${url.origin}/.auth/callback`,
    response_type: "code",
    scope: "openid email profile offline_access all-apis",
    state: Buffer.from(url.pathname).toString("base64url"),
  });
  return new Response(null, {
    status: 302,
    headers: { location: `${url.origin}/oidc/oauth2/v2.0/authorize?${query}` },
  });
}

/** The login page itself, so a client that follows the redirect ends on a page rather than in a loop. */
export function loginPage(): Response {
  return new Response(
    "<!doctype html><title>Sign in</title><p>Sign in to your Databricks workspace (emulated).</p>",
    { status: 200, headers: { "content-type": "text/html; charset=utf-8" } },
  );
}
