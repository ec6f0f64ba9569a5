import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorRequestRecord, type EmulatorServer, startEmulatorServer } from "@/emulator/server";
import type { BackgroundClient } from "@/lib/background";
import { createMemoryChatStore } from "@/lib/db/memory-store";
import { checkHealth } from "@/lib/health";
import { clientForRequest, createUpstreamClient, loadSupervisorConfig } from "@/lib/supervisor";

// A Databricks agent app reached the way a deployed chat app reaches it: over HTTP, by the app's name through the
// workspace's Apps API, with the service principal's OAuth M2M tokens, or a person's forwarded token.

const SECRET = "sp-secret-for-agent-tests";
const USER_TOKEN = "user-oauth-token";
const create = (client: BackgroundClient) =>
  client.create(
    {
      model: "agent",
      input: [{ type: "message", role: "user", content: "What can you do?" }],
      background: true,
      stream: false,
    },
    { conversation: { id: "chat-1", userId: "ada@example.com" } },
  );

describe("signing in to an agent app", () => {
  let server: EmulatorServer;
  const requests: EmulatorRequestRecord[] = [];

  beforeAll(async () => {
    server = await startEmulatorServer({
      port: 0,
      options: {
        flavor: "databricks-agent",
        timeScale: 0.05,
        token: USER_TOKEN,
        servicePrincipal: { clientId: "sp", clientSecret: SECRET },
        apps: ["sales-agent"],
      },
      onRequest: (request) => requests.push(request),
    });
  });
  afterAll(() => server?.close());

  it("finds the app by name once, and calls it with the service principal's OAuth token", async () => {
    const env = {
      DATABRICKS_AGENT_APP: "sales-agent",
      DATABRICKS_HOST: server.url,
      DATABRICKS_CLIENT_ID: "sp",
      DATABRICKS_CLIENT_SECRET: SECRET,
    };
    const config = loadSupervisorConfig(env);
    const client = createUpstreamClient(config);
    const start = requests.length;
    const first = await create(client);
    const second = await create(client);
    expect(first.status).toBe("in_progress");
    expect(second.id).not.toBe(first.id);
    const made = requests.slice(start);
    expect(made.filter((r) => r.path === "/api/2.0/apps/sales-agent")).toHaveLength(1);
    expect(made.filter((r) => r.path === "/oidc/v1/token")).toHaveLength(1);
    expect(made.filter((r) => r.path === "/responses").every((r) => r.credential === "oauth")).toBe(true);
    const health = await checkHealth({ loadConfig: () => config, store: createMemoryChatStore, env });
    expect(health).toMatchObject({
      provider: "databricks-agent",
      auth: "oauth-m2m",
      cancelsRuns: false,
      agent: { kind: "databricks-agent", app: "sales-agent", url: server.url },
    });
    expect(JSON.stringify(health)).not.toContain(SECRET);
  });

  it("says plainly when the app does not exist", async () => {
    const config = loadSupervisorConfig({
      DATABRICKS_AGENT_APP: "no-such-app",
      DATABRICKS_HOST: server.url,
      DATABRICKS_TOKEN: USER_TOKEN,
    });
    await expect(create(createUpstreamClient(config))).rejects.toMatchObject({
      status: 404,
      message: expect.stringMatching(/no Databricks App named "no-such-app".*DATABRICKS_AGENT_APP/),
    });
  });

  it("takes the Apps proxy's redirect to sign-in as a refusal that says OAuth tokens only", async () => {
    const config = loadSupervisorConfig({
      DATABRICKS_AGENT_URL: server.url,
      DATABRICKS_TOKEN: "dapi-personal-token",
    });
    await expect(create(createUpstreamClient(config))).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/OAuth tokens only.*never a personal access token/),
    });
  });

  it("calls the agent with a signed-in person's forwarded token behind a trusted proxy", async () => {
    const config = loadSupervisorConfig({
      DATABRICKS_AGENT_URL: server.url,
      DATABRICKS_HOST: server.url,
      DATABRICKS_CLIENT_ID: "sp",
      DATABRICKS_CLIENT_SECRET: SECRET,
    });
    const shared = createUpstreamClient(config);
    const headers = new Headers({ "x-forwarded-access-token": USER_TOKEN });
    const start = requests.length;
    await create(clientForRequest(config, shared, headers, { TRUST_FORWARDED_HEADERS: "true" }));
    expect(requests.slice(start).map((r) => r.credential)).toEqual(["token"]);
    // Not trusted: the header is anyone's to send, and the app's own credentials are used.
    expect(clientForRequest(config, shared, headers, {})).toBe(shared);
  });
});
