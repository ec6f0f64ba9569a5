import type { ChatOwner } from "@/lib/db/chat-store";
import { namedError } from "@/lib/shared/named-error";
import { identify } from "./identity";
import { sessionSecret } from "./secret";

/** The person a route acts for; 401 when the request carries no identity (the proxy gives every browser one). */
export function requireOwner(request: { headers: Headers }): ChatOwner {
  const owner = identify(request.headers, sessionSecret());
  if (!owner) throw new NotSignedInError();
  return owner;
}

/** The request carries no identity: answered 401 by the HTTP layer. */
export class NotSignedInError extends namedError("NotSignedInError") {
  constructor() {
    super("Sign-in is missing or expired: reload the page to start a new session.");
  }
}

/** The person a page renders for, or null (a page then shows nothing private). */
export function ownerOf(headers: Headers): ChatOwner | null {
  return identify(headers, sessionSecret());
}
