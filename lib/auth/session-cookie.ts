import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/** The session cookie: an opaque random user id, signed so nobody can pick someone else's. */
export const SESSION_COOKIE = "bac_session";
/** A year: the cookie is the only key to an anonymous user's chats. */
export const SESSION_MAX_AGE_S = 365 * 24 * 60 * 60;

const VERSION = "v1";
const UID_PATTERN = /^[0-9a-f-]{36}$/;

function signature(uid: string, secret: string): string {
  return createHmac("sha256", secret).update(`${VERSION}.${uid}`).digest("base64url");
}

/** A new session: `v1.<uuid>.<hmac>`. */
export function newSessionValue(secret: string): { uid: string; value: string } {
  const uid = randomUUID();
  return { uid, value: `${VERSION}.${uid}.${signature(uid, secret)}` };
}

/** The user id in a session cookie value, or null when it is malformed or its signature does not match. */
export function verifySessionValue(value: string | undefined, secret: string): string | null {
  if (!value || value.length > 200) return null;
  const [version, uid, sig, extra] = value.split(".");
  if (version !== VERSION || !uid || !sig || extra !== undefined || !UID_PATTERN.test(uid)) return null;
  const expected = Buffer.from(signature(uid, secret));
  const given = Buffer.from(sig);
  return given.length === expected.length && timingSafeEqual(given, expected) ? uid : null;
}

/** The Set-Cookie header for a session: httpOnly, SameSite=Lax, Secure on https. */
export function sessionSetCookie(value: string, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    `Max-Age=${SESSION_MAX_AGE_S}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(secure ? ["Secure"] : []),
  ].join("; ");
}

/** One cookie's value from a Cookie header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(";")) {
    const at = pair.indexOf("=");
    if (at > 0 && pair.slice(0, at).trim() === name) return pair.slice(at + 1).trim();
  }
  return undefined;
}
