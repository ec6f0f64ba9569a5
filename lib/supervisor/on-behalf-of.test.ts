import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorServer, startEmulatorServer } from "@/emulator/server";
import type { BackgroundClient } from "@/lib/background";
import { createOpenAIClient, toBackgroundClient } from "./client";
import { loadSupervisorConfig } from "./config";
import { clientForRequest, forwardedAccessToken } from "./on-behalf-of";

const TRUSTED = { TRUST_FORWARDED_HEADERS: "true" };
const withToken = (token: string) => new Headers({ "x-forwarded-access-token": token });

describe("on-behalf-of: the signed-in user's forwarded token", () => {
  let server: EmulatorServer;
  let config: ReturnType<typeof loadSupervisorConfig>;
  beforeAll(async () => {
    // The workspace accepts only the user's token: a call made with the app's own fails with a 401.
    server = await startEmulatorServer({ port: 0, options: { token: "user-token-123", timeScale: 0.01 } });
    config = loadSupervisorConfig({ DATABRICKS_HOST: server.url, DATABRICKS_TOKEN: "dapi-app-token" });
  });
  afterAll(async () => server.close());

  const appClient = () => toBackgroundClient(createOpenAIClient(config));
  const create = (client: BackgroundClient) =>
    client.create({
      model: "m",
      input: [{ type: "message", role: "user", content: "hi" }],
      background: true,
      stream: false,
    });

  it("runs the upstream calls with the user's token when the proxy is trusted", async () => {
    const client = clientForRequest(config, appClient(), withToken("user-token-123"), TRUSTED);
    const created = await create(client);
    expect(created.status).toBeTruthy();
    expect((await client.retrieve(created.id)).id).toBe(created.id);
  });

  it("ignores the header when the proxy is not trusted: anyone can send it", async () => {
    const client = clientForRequest(config, appClient(), withToken("user-token-123"), {});
    await expect(create(client)).rejects.toMatchObject({ status: 401 });
    expect(forwardedAccessToken(config, withToken("user-token-123"), {})).toBeUndefined();
  });

  it("uses the app's own credentials when no token was forwarded", async () => {
    const shared = appClient();
    expect(clientForRequest(config, shared, new Headers(), TRUSTED)).toBe(shared);
  });

  it("applies to Databricks only: an OpenAI key is never swapped for a forwarded token", () => {
    const openai = loadSupervisorConfig({ OPENAI_API_KEY: "sk-app" });
    expect(forwardedAccessToken(openai, withToken("user-token-123"), TRUSTED)).toBeUndefined();
  });
});
