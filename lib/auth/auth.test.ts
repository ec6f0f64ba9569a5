import { describe, expect, it } from "vitest";
import { identify } from "./identity";
import { crossSiteRefusal } from "./origin";
import {
  newSessionValue,
  readCookie,
  SESSION_COOKIE,
  sessionSetCookie,
  verifySessionValue,
} from "./session-cookie";

const SECRET = "a-test-secret-that-is-long-enough-0123";

describe("session cookie", () => {
  it("verifies its own value and refuses tampered, foreign-key and malformed ones", () => {
    const { uid, value } = newSessionValue(SECRET);
    expect(verifySessionValue(value, SECRET)).toBe(uid);
    const [version, , sig] = value.split(".");
    const otherUid = crypto.randomUUID();
    expect(verifySessionValue(`${version}.${otherUid}.${sig}`, SECRET)).toBeNull();
    expect(verifySessionValue(value, "another-secret-that-is-long-enough-01")).toBeNull();
    expect(verifySessionValue(`${value}x`, SECRET)).toBeNull();
    expect(verifySessionValue(`${value}.extra`, SECRET)).toBeNull();
    for (const bad of [undefined, "", "v1", "v1..", `v2.${uid}.${sig}`, "x".repeat(500)]) {
      expect(verifySessionValue(bad, SECRET)).toBeNull();
    }
    expect(newSessionValue(SECRET).uid).not.toBe(uid);
  });

  it("is set httpOnly and SameSite=Lax, Secure only on https", () => {
    const header = sessionSetCookie("v1.abc.def", true);
    expect(header).toMatch(
      /^bac_session=v1\.abc\.def; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/,
    );
    expect(sessionSetCookie("v", false)).not.toContain("Secure");
  });

  it("is read from a Cookie header among others", () => {
    expect(readCookie(`a=1; ${SESSION_COOKIE}=v1.x.y; b=2`, SESSION_COOKIE)).toBe("v1.x.y");
    expect(readCookie("a=1", SESSION_COOKIE)).toBeUndefined();
    expect(readCookie(null, SESSION_COOKIE)).toBeUndefined();
  });
});

describe("identify", () => {
  const { uid, value } = newSessionValue(SECRET);
  const cookie = `${SESSION_COOKIE}=${value}`;

  it("falls back to x-forwarded-user (Databricks Apps' user id) when no e-mail is forwarded", () => {
    const env = { TRUST_FORWARDED_HEADERS: "true" };
    expect(identify(new Headers({ "x-forwarded-user": "4455667788@1234567890" }), SECRET, env)).toEqual({
      id: "fwd-user:4455667788@1234567890",
    });
    expect(identify(new Headers({ "x-forwarded-user": "4455667788@1234567890" }), SECRET, {})).toBeNull();
    expect(identify(new Headers({ "x-forwarded-user": "<script>" }), SECRET, env)).toBeNull();
  });

  it("believes x-forwarded-email only when TRUST_FORWARDED_HEADERS=true", () => {
    const headers = new Headers({ "x-forwarded-email": "Ada@Example.com", cookie });
    expect(identify(headers, SECRET, { TRUST_FORWARDED_HEADERS: "true" })).toEqual({
      id: "fwd:ada@example.com",
      email: "ada@example.com",
    });
    // Anyone can send the header: untrusted, the signed cookie decides.
    expect(identify(headers, SECRET, {})).toEqual({ id: `anon:${uid}` });
    expect(identify(new Headers({ "x-forwarded-email": "ada@example.com" }), SECRET, {})).toBeNull();
  });

  it("falls back to the cookie when a trusted proxy sent no usable e-mail", () => {
    const env = { TRUST_FORWARDED_HEADERS: "true" };
    expect(identify(new Headers({ cookie }), SECRET, env)).toEqual({ id: `anon:${uid}` });
    expect(identify(new Headers({ "x-forwarded-email": "not an email", cookie }), SECRET, env)).toEqual({
      id: `anon:${uid}`,
    });
    expect(identify(new Headers(), SECRET, env)).toBeNull();
  });
});

describe("crossSiteRefusal", () => {
  const request = (method: string, headers: Record<string, string>) => ({
    method,
    headers: new Headers(headers),
  });

  it("lets same-origin and header-less (non-browser) state changes through", () => {
    expect(crossSiteRefusal(request("POST", { host: "app.test", origin: "https://app.test" }))).toBeNull();
    expect(crossSiteRefusal(request("DELETE", { host: "app.test" }))).toBeNull();
    expect(
      crossSiteRefusal(
        request("POST", {
          host: "10.0.0.5:8000",
          "x-forwarded-host": "app.example.com",
          origin: "https://app.example.com",
        }),
      ),
    ).toBeNull();
  });

  it("refuses another site's Origin, a null Origin and Sec-Fetch-Site: cross-site", () => {
    expect(crossSiteRefusal(request("POST", { host: "app.test", origin: "https://evil.test" }))).toMatch(
      /other sites/,
    );
    expect(crossSiteRefusal(request("POST", { host: "app.test", origin: "null" }))).not.toBeNull();
    expect(
      crossSiteRefusal(request("DELETE", { host: "app.test", "sec-fetch-site": "cross-site" })),
    ).not.toBeNull();
    expect(
      crossSiteRefusal(request("POST", { host: "app.test", origin: "https://app.test.evil.test" })),
    ).not.toBeNull();
  });

  it("accepts the public origins listed in ALLOWED_ORIGINS (a proxy that rewrites Host)", () => {
    const env = { ALLOWED_ORIGINS: "https://chat.example.com/, https://other.example.com" };
    const behindProxy = request("POST", { host: "10.0.0.5:8000", origin: "https://chat.example.com" });
    expect(crossSiteRefusal(behindProxy, {})).not.toBeNull();
    expect(crossSiteRefusal(behindProxy, env)).toBeNull();
    expect(
      crossSiteRefusal(request("POST", { host: "10.0.0.5:8000", origin: "https://evil.test" }), env),
    ).not.toBeNull();
  });

  it("never refuses reads", () => {
    expect(crossSiteRefusal(request("GET", { host: "app.test", origin: "https://evil.test" }))).toBeNull();
  });
});
