/**
 * The app's user ids and what each says of its person: `fwd:<e-mail>` and `fwd-user:<id>` for who a trusted
 * proxy forwarded (identify), `anon:<uid>` for an anonymous browser session. One place for the prefixes, so
 * whoever reads an id (an agent's user id, an export's "who decided") reads it the same way.
 */
export type UserIdentity =
  | { kind: "email"; email: string }
  | { kind: "user"; userId: string }
  | { kind: "anonymous" };

export const forwardedEmailUserId = (email: string) => `fwd:${email}`;
export const forwardedUserUserId = (user: string) => `fwd-user:${user}`;
export const anonymousUserId = (uid: string) => `anon:${uid}`;

export function identityOf(userId: string): UserIdentity {
  const email = /^fwd:(.+)$/.exec(userId)?.[1];
  if (email) return { kind: "email", email };
  const user = /^fwd-user:(.+)$/.exec(userId)?.[1];
  if (user) return { kind: "user", userId: user };
  return { kind: "anonymous" };
}
