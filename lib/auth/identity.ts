import type { ChatOwner } from "@/lib/db/chat-store";
import { readCookie, SESSION_COOKIE, verifySessionValue } from "./session-cookie";
import { anonymousUserId, forwardedEmailUserId, forwardedUserUserId } from "./user-id";

/** Whether a trusted proxy in front of the app (Databricks Apps) sets the identity headers. */
export function trustsForwardedHeaders(env: Record<string, string | undefined> = process.env): boolean {
  return env.TRUST_FORWARDED_HEADERS?.trim().toLowerCase() === "true";
}

const EMAIL_PATTERN = /^[^\s@<>]{1,200}@[^\s@<>]{1,200}$/;
const USER_PATTERN = /^[A-Za-z0-9@._:-]{1,200}$/;

/**
 * Who is asking: the forwarded e-mail when a trusted proxy set it (`TRUST_FORWARDED_HEADERS=true`; never
 * believed otherwise, since anyone can send the header), else the signed session cookie. Null when neither.
 */
export function identify(
  headers: Headers,
  secret: string,
  env: Record<string, string | undefined> = process.env,
): ChatOwner | null {
  if (trustsForwardedHeaders(env)) {
    const email = headers.get("x-forwarded-email")?.trim().toLowerCase();
    if (email && EMAIL_PATTERN.test(email)) return { id: forwardedEmailUserId(email), email };
    // A service principal or a user without an e-mail: Databricks Apps still forward their user id.
    const user = headers.get("x-forwarded-user")?.trim();
    if (user && USER_PATTERN.test(user)) return { id: forwardedUserUserId(user) };
  }
  const uid = verifySessionValue(readCookie(headers.get("cookie"), SESSION_COOKIE), secret);
  return uid ? { id: anonymousUserId(uid) } : null;
}
