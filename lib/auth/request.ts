import { getChatStore, openedDatabase } from "@/lib/db";
import type { ChatOwner } from "@/lib/db/chat-store";
import { processState } from "@/lib/process-state";
import { namedError } from "@/lib/shared/named-error";
import { adoptAnonymousChats } from "./anonymous-chats";
import { identify } from "./identity";
import { type AuthMode, authModeOf } from "./mode";
import type { OidcAuth } from "./oidc";
import { sessionSecret } from "./secret";

/** The auth mode of this server, read from the environment once (start-up already refused a wrong one). */
export function currentAuthMode(): AuthMode {
  return processState("auth-mode", () => authModeOf(process.env));
}

/**
 * This server's sign-in (Better Auth on the app's database), when sign-in is on. Imported on first use: a server
 * without sign-in never loads the library.
 */
export async function currentOidcAuth(mode: AuthMode & { kind: "oidc" }): Promise<OidcAuth> {
  const { oidcAuth } = await import("./oidc");
  return oidcAuth(
    mode.oidc,
    openedDatabase,
    () => sessionSecret(),
    (owner, requestHeaders) =>
      adoptAnonymousChats(owner, requestHeaders, getChatStore(), sessionSecret()).then(() => {}),
  );
}

/**
 * Who a request acts for, or null: the signed-in person (sign-in on), else the forwarded identity of a trusted
 * proxy or the browser's signed anonymous session. `setCookies`: what the answer must send to keep a signed-in
 * session's cookie fresh.
 */
export async function identifyRequest(
  headers: Headers,
): Promise<{ owner: ChatOwner | null; setCookies: string[] }> {
  const mode = currentAuthMode();
  if (mode.kind === "oidc") {
    const { signedInPerson } = await import("./oidc");
    return signedInPerson(await currentOidcAuth(mode), mode.oidc, headers);
  }
  return { owner: identify(headers, sessionSecret()), setCookies: [] };
}

/** The person a route acts for; 401 when the request carries no identity. */
export async function requireOwner(request: { headers: Headers }): Promise<ChatOwner> {
  const { owner } = await identifyRequest(request.headers);
  if (!owner) throw new NotSignedInError();
  return owner;
}

/** The request carries no identity: answered 401 by the HTTP layer, saying what to do in this auth mode. */
export class NotSignedInError extends namedError("NotSignedInError") {
  constructor(signInIsOn = currentAuthMode().kind === "oidc") {
    super(
      signInIsOn
        ? "You are not signed in, or your sign-in has ended: sign in again."
        : "Sign-in is missing or expired: reload the page to start a new session.",
    );
  }
}

/** The person a page renders for, or null (a page then shows nothing private). */
export async function ownerOf(headers: Headers): Promise<ChatOwner | null> {
  return (await identifyRequest(headers)).owner;
}
