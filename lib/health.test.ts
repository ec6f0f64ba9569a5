import { describe, expect, it } from "vitest";
import type { ChatStore } from "@/lib/db/chat-store";
import { createMemoryChatStore } from "@/lib/db/memory-store";
import { checkHealth } from "./health";
import { loadSupervisorConfig } from "./supervisor/config";

const SECRETS = {
  DATABRICKS_CLIENT_SECRET: "sp-secret-value-123",
  DATABASE_URL: "postgres://app:db-password-456@db.internal/chat",
};

describe("GET /api/health's report", () => {
  it("on the embedded defaults: ok, the emulator, no auth, the database answering", async () => {
    const health = await checkHealth({
      loadConfig: () => loadSupervisorConfig({}),
      store: createMemoryChatStore,
      env: {},
    });
    expect(health).toMatchObject({
      status: "ok",
      provider: "emulator",
      auth: "none",
      streaming: false,
      database: { kind: "pglite", ok: true },
      emulator: { flavor: "databricks" },
      runLimits: {},
      access: "anonymous",
      anonymousBy: "default",
    });
  });

  it("says which auth mode is on: sign-in with its provider, or anonymous access asked for", async () => {
    const oidc = {
      OIDC_ISSUER: "https://login.example.com",
      OIDC_CLIENT_ID: "chat",
      OIDC_CLIENT_SECRET: "oidc-client-secret-789",
      OIDC_PROVIDER_NAME: "Okta",
      APP_URL: "https://chat.example.com",
      OIDC_ALLOWED_DOMAINS: "example.com",
    };
    const signedIn = await checkHealth({
      loadConfig: () => loadSupervisorConfig({}),
      store: createMemoryChatStore,
      env: oidc,
    });
    expect(signedIn).toMatchObject({
      status: "ok",
      access: "oidc",
      signIn: { issuer: "https://login.example.com", provider: "Okta" },
    });
    expect(JSON.stringify(signedIn)).not.toContain("oidc-client-secret-789");
    const asked = await checkHealth({
      loadConfig: () => loadSupervisorConfig({}),
      store: createMemoryChatStore,
      env: { AUTH_MODE: "anonymous" },
    });
    expect(asked).toMatchObject({ access: "anonymous", anonymousBy: "AUTH_MODE" });
    const halfDone = await checkHealth({
      loadConfig: () => loadSupervisorConfig({}),
      store: createMemoryChatStore,
      env: { OIDC_ISSUER: "https://login.example.com" },
    });
    expect(halfDone).toMatchObject({ status: "misconfigured", access: "oidc" });
    expect(halfDone.problems?.join("\n")).toMatch(/OIDC_CLIENT_ID is missing/);
  });

  it("says which per-person run limits are in force", async () => {
    const env = { MAX_RUNS_IN_FLIGHT_PER_PERSON: "2", MAX_RUNS_PER_DAY_PER_PERSON: "40" };
    const health = await checkHealth({
      loadConfig: () => loadSupervisorConfig(env),
      store: createMemoryChatStore,
      env,
    });
    expect(health.runLimits).toEqual({ inFlight: 2, perDay: 40 });
  });

  it("names a service principal's auth mode and Postgres, and repeats no secret", async () => {
    const env = {
      DATABRICKS_HOST: "https://w.example",
      DATABRICKS_CLIENT_ID: "sp-client",
      ...SECRETS,
      TRUST_FORWARDED_HEADERS: "true",
    };
    const health = await checkHealth({
      loadConfig: () => loadSupervisorConfig(env),
      store: createMemoryChatStore,
      env,
    });
    expect(health).toMatchObject({
      status: "ok",
      provider: "databricks",
      auth: "oauth-m2m",
      onBehalfOfUsers: true,
      access: "trusted-proxy",
      database: { kind: "postgres" },
    });
    const text = JSON.stringify(health);
    for (const secret of ["sp-secret-value-123", "db-password-456"]) expect(text).not.toContain(secret);
  });

  it("reports a database that fails without its connection string", async () => {
    const broken = {
      listChats: async () => {
        throw new Error("connect ECONNREFUSED for postgres://app:db-password-456@db.internal/chat");
      },
    } as unknown as ChatStore;
    const health = await checkHealth({
      loadConfig: () => loadSupervisorConfig({}),
      store: () => broken,
      env: SECRETS,
    });
    expect(health.status).toBe("degraded");
    expect(health.database).toMatchObject({ kind: "postgres", ok: false });
    expect(JSON.stringify(health)).not.toContain("db-password-456");
  });

  it("says what is misconfigured, by variable name", async () => {
    const env = { SUPERVISOR_PROVIDER: "databricks", ...SECRETS };
    const health = await checkHealth({
      loadConfig: () => loadSupervisorConfig(env),
      store: createMemoryChatStore,
      env,
    });
    expect(health.status).toBe("misconfigured");
    expect(health.problems?.join(" ")).toContain("DATABRICKS_HOST is required");
    expect(JSON.stringify(health)).not.toContain("sp-secret-value-123");
  });
});
