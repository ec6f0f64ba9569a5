import type { ChatOwner } from "@/lib/db/chat-store";
import { identify } from "./identity";
import { sessionSecret } from "./secret";

/** The person a route acts for; 401 when the request carries no identity (the proxy gives every browser one). */
export function requireOwner(request: { headers: Headers }): ChatOwner {
  const owner = identify(request.headers, sessionSecret());
  if (!owner) throw new NotSignedInError();
  return owner;
}

/** The request carries no identity: answered 401 by the HTTP layer. */
export class NotSignedInError extends Error {
  constructor() {
    super("Sign-in is missing or expired: reload the page to start a new session.");
    this.name = "NotSignedInError";
  }

  /** By name, for the reason given at ChatNotFoundError.is. */
  static is(err: unknown): err is NotSignedInError {
    return err instanceof Error && err.name === "NotSignedInError";
  }
}

/** The person a page renders for, or null (a page then shows nothing private). */
export function ownerOf(headers: Headers): ChatOwner | null {
  return identify(headers, sessionSecret());
}
