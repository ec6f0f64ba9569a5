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
import { defaultToolRegistry } from "@/lib/tools";
import { OWNER, readUIStream, streamedText } from "./testing";
import { startChatTurn, type TurnDeps, type TurnInput } from "./turn";

const say = (text: string): TurnInput => ({
  kind: "message",
  text,
  message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] } satisfies ChatMessage,
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
    registry: defaultToolRegistry,
    tools: defaultToolRegistry.definitions(),
    streamBudgetMs: config.streamBudgetMs,
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
      await startChatTurn(deps, { owner: OWNER, chatId: "c1", turn: say("What is a lakehouse?") }),
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
      await startChatTurn(deps, { owner: OWNER, chatId: "c1", turn: say("And a warehouse?") }),
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
      await startChatTurn(deps, { owner: OWNER, chatId: "c2", turn: say("Run a multi-step data analysis") }),
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
      await startChatTurn(deps, { owner: OWNER, chatId: "c3", turn: say("please fail") }),
    );
    expect(failed.find((c) => c.type === "data-run-outcome")).toMatchObject({
      data: { status: "failed", message: expect.stringContaining("emulated failure") },
    });

    const rejected = databricksDeps(server.url, "wrong-token", []);
    const denied = await readUIStream(
      await startChatTurn(rejected, { owner: OWNER, chatId: "c4", turn: say("hello") }),
    );
    expect(denied.find((c) => c.type === "data-run-outcome")).toMatchObject({
      data: {
        status: "error",
        message: expect.stringMatching(/could not be started.*rejected the app's credentials/),
      },
    });
  });

  it("refuses a second turn while a run is still in progress in the chat", async () => {
    const deps = databricksDeps(server.url, "dapi-secret", []);
    const slow = await startChatTurn(deps, { owner: OWNER, chatId: "c5", turn: say("long report please") });
    await expect(startChatTurn(deps, { owner: OWNER, chatId: "c5", turn: say("hello?") })).rejects.toThrow(
      /still in progress/,
    );
    await readUIStream(slow);
  });

  it("Approve sends the request and an approving mcp_approval_response upstream, and the tool's result streams back", async () => {
    const seen: SeenRequest[] = [];
    const deps = databricksDeps(server.url, "dapi-secret", seen);
    const first = await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "a1",
        turn: say("Search the web for lakehouse news"),
      }),
    );
    const ask = first.find((c) => c.type === "tool-approval-request");
    expect(ask).toMatchObject({ approvalId: expect.stringMatching(/^mcpr_/) });
    const approvalId = (ask as { approvalId: string }).approvalId;
    expect(first.find((c) => c.type === "tool-input-available" && c.toolCallId === approvalId)).toMatchObject(
      { toolName: "search_web", title: "web-search" },
    );

    seen.length = 0;
    const followUp = await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "a1",
        turn: { kind: "approval", decisions: [{ approvalRequestId: approvalId, approve: true }] },
      }),
    );
    const input = seen[0]?.body?.input as Array<Record<string, unknown>>;
    expect(input.at(-2)).toMatchObject({ type: "mcp_approval_request", id: approvalId, name: "search_web" });
    expect(input.at(-1)).toEqual({
      type: "mcp_approval_response",
      approval_request_id: approvalId,
      approve: true,
    });
    expect(followUp.find((c) => c.type === "start")).toMatchObject({ messageId: expect.any(String) });
    // The result lands on the approval's card and keeps its server label.
    expect(followUp).toContainEqual(
      expect.objectContaining({
        type: "tool-output-available",
        toolCallId: approvalId,
        toolMetadata: expect.objectContaining({ serverLabel: "web-search" }),
      }),
    );
    expect(streamedText(followUp).length).toBeGreaterThan(20);
  });

  it("Deny sends approve: false with the reason, and the agent answers without the tool", async () => {
    const seen: SeenRequest[] = [];
    const deps = databricksDeps(server.url, "dapi-secret", seen);
    const first = await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "a2",
        turn: say("Search the web for lakehouse news"),
      }),
    );
    const approvalId = (first.find((c) => c.type === "tool-approval-request") as { approvalId: string })
      .approvalId;
    seen.length = 0;
    const followUp = await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "a2",
        turn: {
          kind: "approval",
          decisions: [{ approvalRequestId: approvalId, approve: false, reason: "not now" }],
        },
      }),
    );
    const input = seen[0]?.body?.input as Array<Record<string, unknown>>;
    expect(input.at(-1)).toEqual({
      type: "mcp_approval_response",
      approval_request_id: approvalId,
      approve: false,
      reason: "not now",
    });
    expect(followUp).toContainEqual({ type: "tool-output-denied", toolCallId: approvalId });
    expect(followUp.some((c) => c.type === "tool-output-available")).toBe(false);
    expect(streamedText(followUp)).toContain("did not run");
  });

  it("refuses forged, foreign and replayed approvals and sends nothing upstream", async () => {
    const seen: SeenRequest[] = [];
    const deps = databricksDeps(server.url, "dapi-secret", seen);
    const mine = await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "a3",
        turn: say("Search the web for lakehouse news"),
      }),
    );
    const theirs = await readUIStream(
      await startChatTurn(deps, { owner: OWNER, chatId: "a4", turn: say("Search the web for cats") }),
    );
    const mineId = (mine.find((c) => c.type === "tool-approval-request") as { approvalId: string })
      .approvalId;
    const theirsId = (theirs.find((c) => c.type === "tool-approval-request") as { approvalId: string })
      .approvalId;
    const decide = (chatId: string, approvalRequestId: string) =>
      startChatTurn(deps, {
        owner: OWNER,
        chatId,
        turn: { kind: "approval", decisions: [{ approvalRequestId, approve: true }] },
      });

    seen.length = 0;
    await expect(decide("a3", "mcpr_forged")).rejects.toMatchObject({ kind: "missing" });
    await expect(decide("a3", theirsId)).rejects.toMatchObject({ kind: "missing" });
    await expect(decide("no-such-chat", mineId)).rejects.toMatchObject({ kind: "missing" });
    expect(seen).toEqual([]);

    await readUIStream(await decide("a3", mineId));
    seen.length = 0;
    await expect(decide("a3", mineId)).rejects.toMatchObject({ kind: "conflict" });
    expect(seen).toEqual([]);
  });

  it("runs the app's own function tool and sends its output back in the same stream, without a click", async () => {
    const seen: SeenRequest[] = [];
    const deps = databricksDeps(server.url, "dapi-secret", seen);
    const chunks = await readUIStream(
      await startChatTurn(deps, { owner: OWNER, chatId: "f1", turn: say("Please calculate 17 * 23 + 4") }),
    );
    const call = chunks.find((c) => c.type === "tool-input-available");
    expect(call).toMatchObject({
      toolName: "calculate",
      providerExecuted: false,
      input: { expression: "17 * 23 + 4" },
    });
    expect(chunks).toContainEqual(expect.objectContaining({ type: "tool-output-available", output: "395" }));
    const creates = seen.filter((r) => r.method === "POST");
    expect(creates).toHaveLength(2);
    expect((creates[0]?.body?.tools as Array<{ name?: string }> | undefined)?.map((t) => t.name)).toContain(
      "calculate",
    );
    expect((creates[1]?.body?.input as Array<Record<string, unknown>> | undefined)?.at(-1)).toMatchObject({
      type: "function_call_output",
      output: "395",
    });
    expect(streamedText(chunks)).toContain("395");
    expect(chunks.at(-1)).toEqual({ type: "finish", finishReason: "stop" });
  });
});
