import { createHmac } from "node:crypto";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { APIError } from "better-auth/api";
import { genericOAuth } from "better-auth/plugins/generic-oauth";
import { authAccounts, authSessions, authUsers, authVerifications } from "@/lib/db/auth-schema";
import type { ChatOwner } from "@/lib/db/chat-store";
import type { AnyPgDatabase } from "@/lib/db/migrate";
import { dropProcessState, processState } from "@/lib/process-state";
import { mayUseApp, type OidcSettings } from "./mode";
import { SIGN_IN_PATH } from "./sign-in-gate";
import { forwardedEmailUserId } from "./user-id";

/** The provider's id in Better Auth: the callback is `<APP_URL>/api/auth/callback/oidc`. */
export const OIDC_PROVIDER_ID = "oidc";

const DAY_S = 24 * 60 * 60;

/**
 * Sign-in with the team's OpenID Connect provider, by Better Auth: its generic OAuth plugin finds the
 * provider's endpoints by discovery, signs people in with the authorization-code flow (PKCE, state, nonce;
 * the ID token verified against the provider's keys), and keeps sessions in the app's database (tables in
 * lib/db/auth-schema.ts). Nothing here is the chats' business: a signed-in person becomes a `ChatOwner` with the
 * same id a trusted proxy's forwarded e-mail gives (`fwd:<e-mail>`), so ownership works as it always has.
 */
export function createOidcAuth(
  oidc: OidcSettings,
  db: AnyPgDatabase,
  sessionKey: string,
  /** Once a person has signed in, with the headers of the request that signed them in (its cookies). */
  onSignedIn: (owner: ChatOwner, requestHeaders: Headers) => Promise<void> = async () => {},
) {
  const refuse = (email: string, emailVerified: boolean) => {
    if (mayUseApp(oidc, { email, emailVerified })) return;
    throw new APIError("FORBIDDEN", {
      code: emailVerified || !oidc.requireVerifiedEmail ? "EMAIL_NOT_ALLOWED" : "EMAIL_NOT_VERIFIED",
      message: emailVerified || !oidc.requireVerifiedEmail ? notAllowed(email) : notVerified(email),
    });
  };
  return betterAuth({
    appName: "Background Agent Chat",
    baseURL: oidc.appUrl,
    basePath: "/api/auth",
    // Its own key, derived from the app's session key: one secret to set (SESSION_SECRET), two uses kept apart.
    secret: createHmac("sha256", sessionKey).update("better-auth").digest("base64url"),
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: {
        user: authUsers,
        session: authSessions,
        account: authAccounts,
        verification: authVerifications,
      },
    }),
    telemetry: { enabled: false },
    emailAndPassword: { enabled: false },
    session: { expiresIn: 30 * DAY_S, updateAge: DAY_S },
    advanced: { cookiePrefix: "bac" },
    // A refused or failed sign-in comes back to the sign-in page, which says why.
    onAPIError: { errorURL: `${oidc.appUrl}${SIGN_IN_PATH}` },
    plugins: [
      genericOAuth({
        config: [
          {
            providerId: OIDC_PROVIDER_ID,
            name: oidc.providerName,
            discoveryUrl: `${oidc.issuer}/.well-known/openid-configuration`,
            requireIdTokenVerification: true,
            clientId: oidc.clientId,
            clientSecret: oidc.clientSecret,
            scopes: oidc.scopes,
            pkce: true,
          },
        ],
      }),
    ],
    databaseHooks: {
      // Nobody outside the allowed addresses and domains gets a user row, nor (re-checked on every sign-in, so
      // taking someone off the list works) a session.
      user: {
        create: {
          before: async (user) => {
            refuse(user.email, user.emailVerified);
          },
        },
      },
      session: {
        create: {
          before: async (session, context) => {
            const user = await context?.context.internalAdapter.findUserById(session.userId);
            if (!user) throw new APIError("UNAUTHORIZED", { message: "That account no longer exists." });
            refuse(user.email, user.emailVerified);
          },
          after: async (session, context) => {
            const user = await context?.context.internalAdapter.findUserById(session.userId);
            if (user && context?.headers) await onSignedIn(ownerOf(user.email), context.headers);
          },
        },
      },
    },
  });
}

export type OidcAuth = ReturnType<typeof createOidcAuth>;

const notAllowed = (email: string) =>
  `${email} is not allowed to use this app. Ask whoever runs it to add your address or your domain.`;
const notVerified = (email: string) =>
  `Your identity provider did not confirm that ${email} is your address, so it cannot sign you in here.`;

/**
 * The person a request's session cookie is signed in as, or null: no session, an expired or signed-out one,
 * or a person no longer on the allowed list. With `headers` the response must send (a session whose expiry
 * was just moved on renews its cookie).
 */
export async function signedInPerson(
  auth: OidcAuth,
  oidc: OidcSettings,
  requestHeaders: Headers,
): Promise<{ owner: ChatOwner | null; setCookies: string[] }> {
  const { headers, response } = await auth.api.getSession({ headers: requestHeaders, returnHeaders: true });
  const setCookies = headers.getSetCookie();
  if (!response || !mayUseApp(oidc, response.user)) return { owner: null, setCookies };
  return { owner: ownerOf(response.user.email), setCookies };
}

/** The chats' owner a signed-in e-mail is: the same id a trusted proxy's forwarded e-mail gives. */
function ownerOf(rawEmail: string): ChatOwner {
  const email = rawEmail.trim().toLowerCase();
  return { id: forwardedEmailUserId(email), email };
}

/** This process's Better Auth, made on first use once the database is open (one per process, like the store). */
export function oidcAuth(
  oidc: OidcSettings,
  open: () => Promise<{ db: AnyPgDatabase }>,
  key: () => string,
  onSignedIn: (owner: ChatOwner, requestHeaders: Headers) => Promise<void>,
): Promise<OidcAuth> {
  return processState(OIDC_AUTH_STATE, () =>
    open().then(
      ({ db }) => createOidcAuth(oidc, db, key(), onSignedIn),
      (err: unknown) => {
        // The next request tries again.
        dropProcessState(OIDC_AUTH_STATE);
        throw err;
      },
    ),
  );
}

const OIDC_AUTH_STATE = "oidc-auth";
