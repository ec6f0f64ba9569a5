import { trustsForwardedHeaders } from "./identity";

type Env = Record<string, string | undefined>;

/** Sign-in with the team's OpenID Connect provider, as the environment configures it. */
export interface OidcSettings {
  /** The provider's issuer; its discovery document is `<issuer>/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the sign-in button calls the provider ("Okta", "Microsoft"…). */
  providerName: string;
  /** The app's public origin: the provider sends people back to `<appUrl>/api/auth/callback/oidc`. */
  appUrl: string;
  scopes: string[];
  /** Who may sign in: exact addresses and domains (lower case); `anyone` when the provider's word is enough. */
  allowed: { emails: string[]; domains: string[]; anyone: boolean };
  /** Refuse an e-mail the provider does not say it verified (`email_verified`); off for providers that never say. */
  requireVerifiedEmail: boolean;
}

/**
 * How the app knows who is asking. `oidc`: people sign in with the team's provider (OIDC_ISSUER…).
 * `trusted-proxy`: a platform in front of the app signs them in and forwards who they are (Databricks Apps,
 * TRUST_FORWARDED_HEADERS=true). `anonymous`: every browser gets its own session; `explicit` when the
 * deployment asked for it (AUTH_MODE=anonymous) rather than running on the local defaults.
 */
export type AuthMode =
  | { kind: "oidc"; oidc: OidcSettings }
  | { kind: "trusted-proxy" }
  | { kind: "anonymous"; explicit: boolean };

/** The sign-in variables are wrong: every problem at once, each naming its variable. */
export class AuthConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Sign-in is misconfigured:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "AuthConfigError";
  }
}

const list = (value: string | undefined) =>
  (value ?? "")
    .split(/[\s,]+/)
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean);

const isLoopback = (url: URL) => ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);

/** An http(s) URL, https unless on this machine; a problem naming the variable otherwise. */
function parseOrigin(name: string, raw: string | undefined, problems: string[]): URL | undefined {
  if (!raw?.trim()) return undefined;
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    problems.push(`${name} is not a URL: "${raw.trim()}".`);
    return undefined;
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url))) {
    problems.push(`${name} must be an https:// URL (plain http only on localhost).`);
    return undefined;
  }
  return url;
}

/** The auth mode the environment asks for; throws AuthConfigError listing every problem. */
export function authModeOf(env: Env = process.env): AuthMode {
  const problems: string[] = [];
  const asked = env.AUTH_MODE?.trim().toLowerCase();
  if (asked && asked !== "anonymous") {
    problems.push(
      `AUTH_MODE may only be "anonymous" (got "${env.AUTH_MODE}"); sign-in is chosen by OIDC_ISSUER.`,
    );
  }
  const issuer = parseOrigin("OIDC_ISSUER", env.OIDC_ISSUER, problems);
  const oidcAsked = Boolean(env.OIDC_ISSUER?.trim());
  if (oidcAsked && asked === "anonymous")
    problems.push("AUTH_MODE=anonymous and OIDC_ISSUER are both set: choose one.");
  if (oidcAsked && trustsForwardedHeaders(env)) {
    problems.push(
      "TRUST_FORWARDED_HEADERS=true and OIDC_ISSUER are both set: choose one way of signing people in.",
    );
  }
  if (!oidcAsked) {
    if (problems.length) throw new AuthConfigError(problems);
    if (trustsForwardedHeaders(env)) return { kind: "trusted-proxy" };
    return { kind: "anonymous", explicit: asked === "anonymous" };
  }

  const clientId = env.OIDC_CLIENT_ID?.trim();
  const clientSecret = env.OIDC_CLIENT_SECRET?.trim();
  if (!clientId) problems.push("OIDC_CLIENT_ID is missing (the app's client id at the provider).");
  if (!clientSecret)
    problems.push("OIDC_CLIENT_SECRET is missing (the app's client secret at the provider).");
  const vercelUrl = env.VERCEL_PROJECT_PRODUCTION_URL?.trim();
  const appUrl = parseOrigin(
    "APP_URL",
    env.APP_URL || (vercelUrl ? `https://${vercelUrl}` : undefined),
    problems,
  );
  if (!env.APP_URL?.trim() && !vercelUrl) {
    problems.push("APP_URL is missing (the app's public address, e.g. https://chat.example.com).");
  }
  const emails = list(env.OIDC_ALLOWED_EMAILS);
  const domains = list(env.OIDC_ALLOWED_DOMAINS).map((domain) => domain.replace(/^@/, ""));
  const anyone = domains.includes("*");
  if (!emails.length && !domains.length) {
    problems.push(
      "Say who may sign in: OIDC_ALLOWED_EMAILS and/or OIDC_ALLOWED_DOMAINS (OIDC_ALLOWED_DOMAINS=* lets in everyone the provider signs in).",
    );
  }
  for (const email of emails) {
    if (!/^[^\s@]+@[^\s@]+$/.test(email))
      problems.push(`OIDC_ALLOWED_EMAILS has "${email}", not an e-mail address.`);
  }
  for (const domain of domains) {
    if (domain !== "*" && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain)) {
      problems.push(`OIDC_ALLOWED_DOMAINS has "${domain}", not a domain.`);
    }
  }
  const verified = env.OIDC_REQUIRE_VERIFIED_EMAIL?.trim().toLowerCase();
  if (verified && verified !== "true" && verified !== "false") {
    problems.push(
      `OIDC_REQUIRE_VERIFIED_EMAIL must be true or false (got "${env.OIDC_REQUIRE_VERIFIED_EMAIL}").`,
    );
  }
  if (problems.length || !issuer || !appUrl || !clientId || !clientSecret)
    throw new AuthConfigError(problems);
  return {
    kind: "oidc",
    oidc: {
      issuer: issuer.href.replace(/\/$/, ""),
      clientId,
      clientSecret,
      providerName: env.OIDC_PROVIDER_NAME?.trim() || "your organization's account",
      appUrl: appUrl.origin,
      scopes: list(env.OIDC_SCOPES).length ? list(env.OIDC_SCOPES) : ["openid", "email", "profile"],
      allowed: { emails, domains: domains.filter((domain) => domain !== "*"), anyone },
      requireVerifiedEmail: verified !== "false",
    },
  };
}

/** Whether an e-mail the provider signed in may use the app, by the allowed addresses and domains. */
export function mayUseApp(oidc: OidcSettings, person: { email: string; emailVerified: boolean }): boolean {
  if (oidc.requireVerifiedEmail && !person.emailVerified) return false;
  const email = person.email.trim().toLowerCase();
  if (oidc.allowed.anyone || oidc.allowed.emails.includes(email)) return true;
  const domain = email.slice(email.lastIndexOf("@") + 1);
  return oidc.allowed.domains.includes(domain);
}

/**
 * Why this server must not start, or null. A production server that puts a real agent (or any agent, on
 * Vercel) in front of whoever reaches it, with neither sign-in nor a trusted proxy, refuses unless anonymous
 * access was asked for explicitly. The local default (`npm start` on the embedded emulator) stays open.
 */
export function refusalToStartOpen(mode: AuthMode, context: { provider: string; env?: Env }): string | null {
  const env = context.env ?? process.env;
  if (mode.kind !== "anonymous" || mode.explicit) return null;
  const onVercel = Boolean(env.VERCEL?.trim());
  if (env.NODE_ENV !== "production" || (context.provider === "emulator" && !onVercel)) return null;
  const where = onVercel ? "on Vercel" : `on the "${context.provider}" provider`;
  return [
    `Refusing to start ${where} with no sign-in: anyone who finds this server's address could run the agent on its credentials.`,
    "Fix it in one of two ways:",
    "  - sign-in with your identity provider: set OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, APP_URL and OIDC_ALLOWED_DOMAINS (or OIDC_ALLOWED_EMAILS);",
    "  - or a trusted proxy that signs people in and forwards who they are (Databricks Apps): set TRUST_FORWARDED_HEADERS=true.",
    "To run it open to anyone on purpose, set AUTH_MODE=anonymous.",
  ].join("\n");
}
