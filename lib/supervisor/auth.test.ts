import { describe, expect, it } from "vitest";
import { startEmulatorServer } from "@/emulator/server";
import { fixedBearer, m2mBearer, TokenRequestError, withBearer } from "./auth";
import { createOpenAIClient, toBackgroundClient } from "./client";
import { loadSupervisorConfig } from "./config";

/** A Databricks workspace: a token endpoint issuing numbered tokens, and a Responses API that checks them. */
function workspace({ lifetimeS = 3600 } = {}) {
  let issued = 0;
  const valid = new Set<string>();
  const seen: Array<{ path: string; authorization: string | null; body: string }> = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname;
    const body = await request.text();
    seen.push({ path, authorization: request.headers.get("authorization"), body });
    if (path === "/oidc/v1/token") {
      const expected = `Basic ${Buffer.from("sp-client:sp-secret").toString("base64")}`;
      if (request.headers.get("authorization") !== expected)
        return Response.json(
          { error: "invalid_client", error_description: "Client authentication failed" },
          { status: 401 },
        );
      const token = `m2m-token-${++issued}`;
      valid.add(token);
      return Response.json({ access_token: token, token_type: "Bearer", expires_in: lifetimeS });
    }
    const token = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
    if (!valid.has(token))
      return Response.json({ error_code: "UNAUTHENTICATED", message: "Invalid token" }, { status: 401 });
    return Response.json({ id: "resp_1", status: "queued", output: [] });
  };
  return { fetch, seen, revokeAll: () => valid.clear(), issued: () => issued };
}

const M2M_ENV = {
  DATABRICKS_HOST: "https://adb-1.azuredatabricks.net",
  DATABRICKS_CLIENT_ID: "sp-client",
  DATABRICKS_CLIENT_SECRET: "sp-secret",
};

describe("Databricks OAuth M2M", () => {
  it("fetches a token for the service principal and sends it as the bearer on the Supervisor API", async () => {
    const ws = workspace();
    const config = loadSupervisorConfig(M2M_ENV);
    expect(config.provider).toBe("databricks");
    const client = toBackgroundClient(createOpenAIClient(config, { fetch: ws.fetch }));
    await client.create({ model: "m", input: [], background: true, stream: false });
    await client.retrieve("resp_1");
    expect(ws.seen.map((r) => r.path)).toEqual([
      "/oidc/v1/token",
      "/ai-gateway/mlflow/v1/responses",
      "/ai-gateway/mlflow/v1/responses/resp_1",
    ]);
    expect(Object.fromEntries(new URLSearchParams(ws.seen[0]?.body))).toEqual({
      grant_type: "client_credentials",
      scope: "all-apis",
    });
    expect(ws.seen.slice(1).map((r) => r.authorization)).toEqual([
      "Bearer m2m-token-1",
      "Bearer m2m-token-1",
    ]);
  });

  it("reuses the token until shortly before it expires, then fetches a new one", async () => {
    const ws = workspace({ lifetimeS: 600 });
    let now = 0;
    const source = m2mBearer({
      host: "https://w",
      clientId: "sp-client",
      clientSecret: "sp-secret",
      fetch: ws.fetch,
      now: () => now,
    });
    expect(await source.token()).toBe("m2m-token-1");
    now = 500_000; // 8 min 20 s of 10 min: still more than the margin left
    expect(await source.token()).toBe("m2m-token-1");
    now = 545_000; // within a minute of expiry
    expect(await source.token()).toBe("m2m-token-2");
  });

  it("asks once for many runs starting together", async () => {
    const ws = workspace();
    const source = m2mBearer({
      host: "https://w",
      clientId: "sp-client",
      clientSecret: "sp-secret",
      fetch: ws.fetch,
    });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => source.token()));
    expect(new Set(tokens)).toEqual(new Set(["m2m-token-1"]));
    expect(ws.issued()).toBe(1);
  });

  it("after a 401 fetches a new token once and repeats the request", async () => {
    const ws = workspace();
    const client = toBackgroundClient(createOpenAIClient(loadSupervisorConfig(M2M_ENV), { fetch: ws.fetch }));
    await client.retrieve("resp_1");
    ws.revokeAll(); // e.g. the token was revoked, or the workspace's clock ran ahead of ours
    await client.retrieve("resp_1");
    expect(ws.seen.map((r) => `${r.path} ${r.authorization?.slice(0, 12)}`)).toEqual([
      "/oidc/v1/token Basic c3AtY2",
      "/ai-gateway/mlflow/v1/responses/resp_1 Bearer m2m-t",
      "/ai-gateway/mlflow/v1/responses/resp_1 Bearer m2m-t",
      "/oidc/v1/token Basic c3AtY2",
      "/ai-gateway/mlflow/v1/responses/resp_1 Bearer m2m-t",
    ]);
    expect(ws.seen.at(-1)?.authorization).toBe("Bearer m2m-token-2");
  });

  it("a fixed token is not asked for again after a 401: the upstream's refusal is the answer", async () => {
    const ws = workspace();
    const fetch = withBearer(fixedBearer("dapi-revoked"), ws.fetch);
    const response = await fetch("https://w/ai-gateway/mlflow/v1/responses/resp_1");
    expect(response.status).toBe(401);
    expect(ws.seen).toHaveLength(1);
  });

  it("says which credentials were refused, without repeating the secret", async () => {
    const ws = workspace();
    const source = m2mBearer({
      host: "https://w",
      clientId: "sp-client",
      clientSecret: "wrong-secret",
      fetch: ws.fetch,
    });
    const error = await source.token().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect((error as Error).message).toContain("invalid_client: Client authentication failed");
    expect((error as Error).message).toContain("DATABRICKS_CLIENT_SECRET");
    expect((error as Error).message).not.toContain("wrong-secret");
  });
});

describe("Databricks credentials in the environment", () => {
  it("prefers an explicit token over the service principal Databricks Apps inject", () => {
    const config = loadSupervisorConfig({ ...M2M_ENV, DATABRICKS_TOKEN: "dapi-1" });
    expect(config.databricks).toEqual({ host: M2M_ENV.DATABRICKS_HOST, token: "dapi-1" });
  });

  it("takes the bare host name Databricks Apps set", () => {
    const config = loadSupervisorConfig({ ...M2M_ENV, DATABRICKS_HOST: "adb-1.azuredatabricks.net" });
    expect(config.databricks?.host).toBe("https://adb-1.azuredatabricks.net");
  });

  it("names the missing half of a service principal", () => {
    expect(() =>
      loadSupervisorConfig({ DATABRICKS_HOST: "https://w.example", DATABRICKS_CLIENT_ID: "sp-client" }),
    ).toThrow(/DATABRICKS_CLIENT_SECRET is required with DATABRICKS_CLIENT_ID/);
  });
});

describe("OAuth M2M against the emulator acting as the Databricks host", () => {
  it("fetches a token from <host>/oidc/v1/token, uses it on …/responses, and fetches another as it expires", async () => {
    const paths: string[] = [];
    const server = await startEmulatorServer({
      port: 0,
      options: { servicePrincipal: { clientId: "sp-client", clientSecret: "sp-secret", tokenLifetimeS: 2 } },
      onRequest: (request) => paths.push(`${request.method} ${request.path}`),
    });
    try {
      const config = loadSupervisorConfig({
        DATABRICKS_HOST: server.url,
        DATABRICKS_CLIENT_ID: "sp-client",
        DATABRICKS_CLIENT_SECRET: "sp-secret",
      });
      const client = toBackgroundClient(createOpenAIClient(config));
      const created = await client.create({
        model: "m",
        input: [{ type: "message", role: "user", content: "hi" }],
        background: true,
        stream: false,
      });
      await client.retrieve(created.id);
      // A 2 s token is used for half its life, then replaced before the workspace would refuse it.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await client.retrieve(created.id);
      expect(paths).toEqual([
        "POST /oidc/v1/token",
        "POST /ai-gateway/mlflow/v1/responses",
        `GET /ai-gateway/mlflow/v1/responses/${created.id}`,
        "POST /oidc/v1/token",
        `GET /ai-gateway/mlflow/v1/responses/${created.id}`,
      ]);
    } finally {
      await server.close();
    }
  });
});
