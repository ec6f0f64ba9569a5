import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { type EmulatorServer, startEmulatorServer } from "@/emulator/server";
import { createOpenAIClient, toBackgroundClient } from "./client";
import { loadSupervisorConfig } from "./config";

/** The URL and auth headers of the create each configuration sends. */
async function firstRequest(env: Record<string, string>) {
  const seen: Array<{ url: string; authorization: string | null; apiKey: string | null }> = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push({
      url: request.url,
      authorization: request.headers.get("authorization"),
      apiKey: request.headers.get("api-key"),
    });
    return Response.json({ id: "resp_1", status: "queued", output: [] });
  };
  const client = toBackgroundClient(createOpenAIClient(loadSupervisorConfig(env), { fetch }));
  await client.create({ model: "m", input: [], background: true, stream: false });
  return seen[0];
}

describe("each provider's URL and credentials", () => {
  it("OpenAI: api.openai.com with the key as a bearer", async () => {
    expect(await firstRequest({ OPENAI_API_KEY: "sk-1" })).toEqual({
      url: "https://api.openai.com/v1/responses",
      authorization: "Bearer sk-1",
      apiKey: null,
    });
  });

  it("any OpenAI-compatible (OpenResponses) server by its base URL", async () => {
    expect(
      await firstRequest({ OPENAI_API_KEY: "k-2", OPENAI_BASE_URL: "https://gw.example.com/v1/" }),
    ).toEqual({
      url: "https://gw.example.com/v1/responses",
      authorization: "Bearer k-2",
      apiKey: null,
    });
  });

  it("Azure OpenAI: its /openai/v1 base URL, and the key in an api-key header instead of a bearer", async () => {
    expect(
      await firstRequest({
        OPENAI_API_KEY: "az-3",
        OPENAI_BASE_URL: "https://my-res.openai.azure.com/openai/v1",
      }),
    ).toEqual({
      url: "https://my-res.openai.azure.com/openai/v1/responses",
      authorization: null,
      apiKey: "az-3",
    });
  });

  it("Databricks with a personal access token: the Supervisor API path of the workspace", async () => {
    expect(
      await firstRequest({
        DATABRICKS_HOST: "https://adb-1.azuredatabricks.net",
        DATABRICKS_TOKEN: "dapi-4",
      }),
    ).toEqual({
      url: "https://adb-1.azuredatabricks.net/ai-gateway/mlflow/v1/responses",
      authorization: "Bearer dapi-4",
      apiKey: null,
    });
  });

  it("OPENAI_API_KEY_HEADER chooses the header for a gateway the host name does not give away", async () => {
    expect(
      await firstRequest({
        OPENAI_API_KEY: "k-5",
        OPENAI_BASE_URL: "https://proxy.example.com/openai/v1",
        OPENAI_API_KEY_HEADER: "api-key",
      }),
    ).toMatchObject({ authorization: null, apiKey: "k-5" });
  });
});

describe("Azure OpenAI's key header against the emulator's openai flavour", () => {
  let server: EmulatorServer;
  beforeAll(async () => {
    server = await startEmulatorServer({
      port: 0,
      options: { flavor: "openai", token: "azure-key", timeScale: 1 },
    });
  });
  afterAll(async () => server.close());

  it("creates, retrieves and cancels a background run under /openai/v1", async () => {
    const config = loadSupervisorConfig({
      OPENAI_API_KEY: "azure-key",
      OPENAI_BASE_URL: `${server.url}/openai/v1`,
      OPENAI_API_KEY_HEADER: "api-key",
    });
    const client = toBackgroundClient(createOpenAIClient(config));
    const created = await client.create({
      model: "m",
      input: [{ type: "message", role: "user", content: "Write a long report" }],
      background: true,
      stream: false,
    });
    expect((await client.retrieve(created.id)).id).toBe(created.id);
    expect((await client.cancel(created.id)).status).toBe("cancelled");
  });
});

describe("the upstream transport", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("is Node's HTTP client, neither Next's wrapper of globalThis.fetch nor the fetch it wraps", async () => {
    const fetchCalls: string[] = [];
    const original = async () => {
      fetchCalls.push("original");
      return Response.json({});
    };
    const wrapped = Object.assign(
      async () => {
        fetchCalls.push("wrapped by Next");
        return original();
      },
      { __nextPatched: true, _nextOriginalFetch: original },
    );
    vi.stubGlobal("fetch", wrapped);
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url} ${request.headers.authorization}`);
      response.setHeader("content-type", "application/json");
      response.end(JSON.stringify({ id: "resp_1", object: "response", status: "queued", output: [] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const env of [
        { OPENAI_API_KEY: "sk-1", OPENAI_BASE_URL: `${base}/v1` },
        { SUPERVISOR_PROVIDER: "databricks", DATABRICKS_HOST: base, DATABRICKS_TOKEN: "t" },
      ]) {
        const client = toBackgroundClient(createOpenAIClient(loadSupervisorConfig(env)));
        const created = await client.create({ model: "m", input: [], background: true, stream: false });
        expect(created.id).toBe("resp_1");
      }
    } finally {
      server.close();
    }
    expect(fetchCalls).toEqual([]);
    expect(seen).toEqual(["POST /v1/responses Bearer sk-1", "POST /ai-gateway/mlflow/v1/responses Bearer t"]);
  });
});
