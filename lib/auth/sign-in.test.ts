import { describe, expect, it } from "vitest";
import { AuthConfigError, authModeOf, mayUseApp, refusalToStartOpen } from "./mode";
import { opensWithoutSignIn, pathAfterSignIn } from "./sign-in-gate";
import { signInProblem } from "./sign-in-messages";

const OIDC = {
  OIDC_ISSUER: "https://login.example.com/tenant/",
  OIDC_CLIENT_ID: "chat-app",
  OIDC_CLIENT_SECRET: "s3cret",
  APP_URL: "https://chat.example.com/",
  OIDC_ALLOWED_DOMAINS: "example.com, @Example.org",
};

const problemsOf = (env: Record<string, string>) => {
  try {
    authModeOf(env);
  } catch (err) {
    if (err instanceof AuthConfigError) return err.problems;
    throw err;
  }
  return [];
};

describe("auth mode from the environment", () => {
  it("is anonymous by default, trusted-proxy behind Databricks Apps, oidc with an issuer", () => {
    expect(authModeOf({})).toEqual({ kind: "anonymous", explicit: false });
    expect(authModeOf({ AUTH_MODE: "anonymous" })).toEqual({ kind: "anonymous", explicit: true });
    expect(authModeOf({ TRUST_FORWARDED_HEADERS: "true" })).toEqual({ kind: "trusted-proxy" });
    const mode = authModeOf(OIDC);
    expect(mode).toMatchObject({
      kind: "oidc",
      oidc: {
        issuer: "https://login.example.com/tenant",
        appUrl: "https://chat.example.com",
        scopes: ["openid", "email", "profile"],
        allowed: { emails: [], domains: ["example.com", "example.org"], anyone: false },
        requireVerifiedEmail: true,
      },
    });
  });

  it("lists every problem of a half-done set-up at once, each naming its variable", () => {
    const problems = problemsOf({
      OIDC_ISSUER: "http://login.example.com",
      OIDC_ALLOWED_EMAILS: "not-an-email",
    });
    expect(problems.join("\n")).toMatch(/OIDC_ISSUER must be an https/);
    expect(problems.join("\n")).toMatch(/OIDC_CLIENT_ID is missing/);
    expect(problems.join("\n")).toMatch(/OIDC_CLIENT_SECRET is missing/);
    expect(problems.join("\n")).toMatch(/APP_URL is missing/);
    expect(problems.join("\n")).toMatch(/OIDC_ALLOWED_EMAILS has "not-an-email"/);
    expect(problemsOf({ ...OIDC, OIDC_ALLOWED_DOMAINS: "" })).toEqual([
      expect.stringMatching(/Say who may sign in: OIDC_ALLOWED_EMAILS and\/or OIDC_ALLOWED_DOMAINS/),
    ]);
    expect(problemsOf({ ...OIDC, AUTH_MODE: "anonymous" })).toEqual([
      "AUTH_MODE=anonymous and OIDC_ISSUER are both set: choose one.",
    ]);
    expect(problemsOf({ ...OIDC, TRUST_FORWARDED_HEADERS: "true" })[0]).toMatch(/choose one way/);
    expect(problemsOf({ AUTH_MODE: "open" })[0]).toMatch(/AUTH_MODE may only be "anonymous"/);
  });

  it("takes plain http for an issuer on this machine only, and the public address from Vercel's", () => {
    expect(problemsOf({ ...OIDC, OIDC_ISSUER: "http://127.0.0.1:4000" })).toEqual([]);
    const { APP_URL: _, ...withoutAppUrl } = OIDC;
    expect(authModeOf({ ...withoutAppUrl, VERCEL_PROJECT_PRODUCTION_URL: "chat.vercel.app" })).toMatchObject({
      oidc: { appUrl: "https://chat.vercel.app" },
    });
  });
});

describe("who may use the app", () => {
  const mode = authModeOf({ ...OIDC, OIDC_ALLOWED_EMAILS: "guest@partner.net" });
  if (mode.kind !== "oidc") throw new Error("expected oidc");
  it("lets in the allowed domains and addresses, with a verified e-mail", () => {
    expect(mayUseApp(mode.oidc, { email: "Ada@Example.com", emailVerified: true })).toBe(true);
    expect(mayUseApp(mode.oidc, { email: "guest@partner.net", emailVerified: true })).toBe(true);
    expect(mayUseApp(mode.oidc, { email: "other@partner.net", emailVerified: true })).toBe(false);
    expect(mayUseApp(mode.oidc, { email: "ada@evil-example.com", emailVerified: true })).toBe(false);
    expect(mayUseApp(mode.oidc, { email: "ada@sub.example.com", emailVerified: true })).toBe(false);
    expect(mayUseApp(mode.oidc, { email: "ada@example.com", emailVerified: false })).toBe(false);
    expect(
      mayUseApp(
        { ...mode.oidc, requireVerifiedEmail: false },
        { email: "ada@example.com", emailVerified: false },
      ),
    ).toBe(true);
    expect(
      mayUseApp(
        { ...mode.oidc, allowed: { emails: [], domains: [], anyone: true } },
        { email: "x@y.z", emailVerified: true },
      ),
    ).toBe(true);
  });
});

describe("refusing to start open", () => {
  const anonymous = authModeOf({});
  it("refuses a production server on a real agent or on Vercel with no sign-in, naming both fixes", () => {
    const refusal = refusalToStartOpen(anonymous, { provider: "openai", env: { NODE_ENV: "production" } });
    expect(refusal).toMatch(/Refusing to start on the "openai" provider with no sign-in/);
    expect(refusal).toMatch(/OIDC_ISSUER/);
    expect(refusal).toMatch(/TRUST_FORWARDED_HEADERS=true/);
    expect(refusal).toMatch(/AUTH_MODE=anonymous/);
    expect(
      refusalToStartOpen(anonymous, { provider: "emulator", env: { NODE_ENV: "production", VERCEL: "1" } }),
    ).toMatch(/on Vercel/);
  });

  it("starts the local default, and whatever asked for anonymous access or signs people in", () => {
    expect(
      refusalToStartOpen(anonymous, { provider: "emulator", env: { NODE_ENV: "production" } }),
    ).toBeNull();
    expect(
      refusalToStartOpen(anonymous, { provider: "openai", env: { NODE_ENV: "development" } }),
    ).toBeNull();
    const env = { NODE_ENV: "production", VERCEL: "1" };
    expect(
      refusalToStartOpen(authModeOf({ AUTH_MODE: "anonymous" }), { provider: "openai", env }),
    ).toBeNull();
    expect(
      refusalToStartOpen(authModeOf({ TRUST_FORWARDED_HEADERS: "true" }), { provider: "openai", env }),
    ).toBeNull();
    expect(refusalToStartOpen(authModeOf(OIDC), { provider: "openai", env })).toBeNull();
  });
});

describe("the sign-in gate", () => {
  it("lets through only the sign-in pages, the library's routes and the self-authenticating ones", () => {
    for (const open of [
      "/sign-in",
      "/sign-in/start",
      "/sign-out",
      "/api/auth/callback/oidc",
      "/api/health",
    ]) {
      expect(opensWithoutSignIn(open), open).toBe(true);
    }
    for (const closed of [
      "/",
      "/chat/abc",
      "/api/chats",
      "/api/chat/abc/stream",
      "/api/push",
      "/sign-in-x",
      "/sw.js",
    ]) {
      expect(opensWithoutSignIn(closed), closed).toBe(false);
    }
  });

  it("goes back only to a path of this app after signing in", () => {
    expect(pathAfterSignIn("/chat/abc?x=1")).toBe("/chat/abc?x=1");
    for (const away of [
      "https://evil.example",
      "//evil.example",
      "/\\evil.example",
      "/\t/evil.example",
      "",
      null,
      "/sign-in",
    ]) {
      expect(pathAfterSignIn(away), String(away)).toBe("/");
    }
  });

  it("says what went wrong by code only, never with words from the address", () => {
    expect(signInProblem("EMAIL_NOT_ALLOWED")).toMatch(/not allowed to use this app/);
    expect(signInProblem("state_not_found")).toMatch(/Start it again/);
    expect(signInProblem("Call 555-0100 to verify")).toBe("Sign-in did not complete. Try again.");
    expect(signInProblem(undefined)).toBeNull();
  });
});
