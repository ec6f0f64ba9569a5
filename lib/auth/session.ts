import type { ChatOwner } from "@/lib/db/chat-store";
import { currentAuthMode, identifyRequest } from "./request";
import { sessionSecret } from "./secret";
import { newSessionValue, SESSION_COOKIE, sessionSetCookie } from "./session-cookie";
import { anonymousUserId } from "./user-id";

/** A request's identity, or a new anonymous session for a browser that has none yet (never with sign-in on). */
export type Session =
  | { owner: ChatOwner; started: null; setCookies: string[] }
  | { owner: ChatOwner; started: { cookie: string; setCookie: string }; setCookies: [] }
  | { owner: null; started: null; setCookies: string[] };

/**
 * Who a request acts for. Without sign-in, one with no identity (a browser's first request) starts a new
 * anonymous session: `started.cookie` is its Cookie header with the new session in it (so whatever answers this
 * request sees the person the browser will be from now on) and `started.setCookie` the header that gives it to
 * the browser. With sign-in on, a request without a signed-in session has no owner.
 */
export async function sessionOf(request: { url: string; headers: Headers }): Promise<Session> {
  const { owner, setCookies } = await identifyRequest(request.headers);
  if (owner) return { owner, started: null, setCookies };
  if (currentAuthMode().kind === "oidc") return { owner: null, started: null, setCookies };

  const secret = sessionSecret();
  const { uid, value } = newSessionValue(secret);
  const others = (request.headers.get("cookie") ?? "")
    .split(";")
    .map((pair) => pair.trim())
    .filter((pair) => pair && !pair.startsWith(`${SESSION_COOKIE}=`));
  const https =
    new URL(request.url).protocol === "https:" ||
    request.headers.get("x-forwarded-proto")?.startsWith("https");
  return {
    owner: { id: anonymousUserId(uid) },
    started: {
      cookie: [...others, `${SESSION_COOKIE}=${value}`].join("; "),
      setCookie: sessionSetCookie(value, Boolean(https)),
    },
    setCookies: [],
  };
}
