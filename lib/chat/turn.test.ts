import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulatorServer } from "@/emulator/server";
import { systemClock } from "@/lib/background";
import { createMemoryChatStore } from "@/lib/db/memory-store";
import type { ChatMessage } from "@/lib/shared/chat";
import {
  createOpenAIClient,
  loadSupervisorConfig,
  toBackgroundClient,
  upstreamEchoesHistory,
} from "@/lib/supervisor";
import { readUIStream, streamedText } from "./testing";
import { startChatTurn, type TurnDeps } from "./turn";

const userMessage = (text: string, id = crypto.randomUUID()): ChatMessage => ({
  id,
  role: "user",
  parts: [{ type: "text", text }],
});

interface SeenRequest {
  method: string;
  url: string;
  authorization: string | null;
  body: Record<string, unknown> | null;
}

/** The app's real `openai` client over real HTTP to the standalone emulator, recording what it sends. */
function databricksDeps(host: string, token: string, seen: SeenRequest[]): TurnDeps {
  const config = loadSupervisorConfig({
    SUPERVISOR_PROVIDER: "databricks",
    DATABRICKS_HOST: host,
    DATABRICKS_TOKEN: token,
    SUPERVISOR_POLL_INTERVAL_MS: "100",
  });
  const recordingFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = request.method === "POST" ? await request.clone().text() : "";
    seen.push({
      method: request.method,
      url: request.url,
      authorization: request.headers.get("authorization"),
      body: body ? JSON.parse(body) : null,
    });
    return fetch(request);
  };
  return {
    store: createMemoryChatStore(),
    client: toBackgroundClient(createOpenAIClient(config, { fetch: recordingFetch })),
    clock: systemClock,
    model: config.model,
    instructions: config.instructions,
    pollIntervalMs: config.pollIntervalMs,
    echoesHistory: upstreamEchoesHistory(config),
  };
}

describe("a chat turn against a Supervisor-API-speaking server over HTTP", () => {
  let server: Awaited<ReturnType<typeof startEmulatorServer>>;
  beforeAll(async () => {
    server = await startEmulatorServer({
      port: 0,
      options: { flavor: "databricks", timeScale: 0.05, token: "dapi-secret" },
    });
  });
  afterAll(() => server.close());

  it("submits in background mode, polls the Supervisor path, and shows each answer once despite echoed history", async () => {
    const seen: SeenRequest[] = [];
    const deps = databricksDeps(server.url, "dapi-secret", seen);

    const first = await readUIStream(
      await startChatTurn(deps, {
        chatId: "c1",
        message: userMessage("What is a lakehouse?"),
        text: "What is a lakehouse?",
      }),
    );
    const firstText = streamedText(first);
    expect(firstText).toContain('You asked: "What is a lakehouse?"');
    expect(first.at(-1)).toEqual({ type: "finish", finishReason: "stop" });

    const create = seen[0];
    expect(create).toMatchObject({
      method: "POST",
      url: `${server.url}/ai-gateway/mlflow/v1/responses`,
      authorization: "Bearer dapi-secret",
    });
    expect(create?.body).toMatchObject({
      background: true,
      stream: false,
      model: "databricks-claude-sonnet-4-5",
    });
    const responseId = first.flatMap((c) =>
      c.type === "data-run-status" && (c.data as { responseId?: string }).responseId
        ? [(c.data as { responseId: string }).responseId]
        : [],
    )[0];
    const polls = seen.filter((r) => r.method === "GET");
    expect(polls.length).toBeGreaterThan(0);
    expect(polls.every((r) => r.url === `${server.url}/ai-gateway/mlflow/v1/responses/${responseId}`)).toBe(
      true,
    );

    seen.length = 0;
    const second = await readUIStream(
      await startChatTurn(deps, {
        chatId: "c1",
        message: userMessage("And a warehouse?"),
        text: "And a warehouse?",
      }),
    );
    const secondText = streamedText(second);
    expect(secondText).toContain('You asked: "And a warehouse?"');
    expect(secondText).not.toContain("lakehouse");
    // The server rebuilt the history itself: the first answer went back upstream, which echoed it.
    const input = seen[0]?.body?.input as Array<{ role?: string; type?: string }>;
    expect(input.map((i) => i.role)).toEqual(["user", "assistant", "user"]);
  });

  it("shows each tool call once while a multi-step run grows, partial items included", async () => {
    const deps = databricksDeps(server.url, "dapi-secret", []);
    const chunks = await readUIStream(
      await startChatTurn(deps, {
        chatId: "c2",
        message: userMessage("Run a multi-step data analysis"),
        text: "Run a multi-step data analysis",
      }),
    );
    const calls = chunks.flatMap((c) => (c.type === "tool-input-available" ? [c.toolCallId] : []));
    const outputs = chunks.flatMap((c) => (c.type === "tool-output-available" ? [c.toolCallId] : []));
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(new Set(calls).size).toBe(calls.length);
    expect(outputs).toEqual(calls);
    expect(chunks.find((c) => c.type === "tool-input-available")).toMatchObject({
      toolName: "query_sales_genie",
      providerExecuted: true,
    });
    expect(streamedText(chunks).length).toBeGreaterThan(50);
  });

  it("says why when the upstream fails the run, and when it rejects the credentials", async () => {
    const deps = databricksDeps(server.url, "dapi-secret", []);
    const failed = await readUIStream(
      await startChatTurn(deps, { chatId: "c3", message: userMessage("please fail"), text: "please fail" }),
    );
    expect(failed.find((c) => c.type === "data-run-outcome")).toMatchObject({
      data: { status: "failed", message: expect.stringContaining("emulated failure") },
    });

    const rejected = databricksDeps(server.url, "wrong-token", []);
    const denied = await readUIStream(
      await startChatTurn(rejected, { chatId: "c4", message: userMessage("hello"), text: "hello" }),
    );
    expect(denied.find((c) => c.type === "data-run-outcome")).toMatchObject({
      data: { status: "error", message: expect.stringMatching(/could not be started/) },
    });
  });

  it("refuses a second turn while a run is still in progress in the chat", async () => {
    const deps = databricksDeps(server.url, "dapi-secret", []);
    const slow = await startChatTurn(deps, {
      chatId: "c5",
      message: userMessage("long report please"),
      text: "long report please",
    });
    await expect(
      startChatTurn(deps, { chatId: "c5", message: userMessage("hello?"), text: "hello?" }),
    ).rejects.toThrow(/still in progress/);
    await readUIStream(slow);
  });
});
