import { describe, expect, it } from "vitest";
import { discardedTextReason, STOPPED_FOLLOWING_NOTICE } from "@/lib/shared/chat";
import { cancelChatRun } from "./cancel";
import { OWNER, readUIStream, runToEnd, say, setupAgent, streamedText, transcript } from "./testing";
import { startChatTurn } from "./turn";

// The chat on a Databricks agent app served by LongRunningAgentServer, through the app's adapter and the
// emulator's `databricks-agent` flavour.

const MULTI_STEP = "Analyze Q2 sales by region with the Genie space.";
const creates = (seen: ReturnType<typeof setupAgent>["seen"]) =>
  seen.filter((r) => r.method === "POST" && r.path === "/responses");

describe("a chat on a LongRunningAgentServer agent", () => {
  it("streams text as it is written, shows the model turn after each tool call, and sends the conversation", async () => {
    const { deps, seen, store } = setupAgent("databricks-agent");
    const chatId = crypto.randomUUID();
    const chunks = (await runToEnd(deps, chatId, MULTI_STEP)).flat();
    const { text, tools, state, history } = await transcript(store, chatId);
    expect(state).toBe("completed");
    expect(tools).toEqual(["query_sales_genie:output-available", "summarize_trends:output-available"]);
    expect(history?.filter((h) => h.startsWith("function_call_output"))).toHaveLength(2);
    expect(chunks.filter((c) => c.type === "text-delta").length).toBeGreaterThan(5);
    expect(text?.join("")).toBe(streamedText(chunks));
    const [create] = creates(seen);
    expect(create?.body).toEqual({
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: MULTI_STEP }] }],
      background: true,
      stream: true,
      context: { conversation_id: chatId, user_id: OWNER.id },
    });
    // Followed through its one stream: no polling, no second connection.
    expect(seen.filter((r) => r.method === "GET")).toHaveLength(0);
  });

  it("through stream cuts every few hundred ms, each item once and in order, resumed by sequence number", async () => {
    const { deps, seen, store } = setupAgent("databricks-agent", {
      emulator: { timeScale: 0.2, faults: { streamCutMs: 300 } },
    });
    const chatId = crypto.randomUUID();
    const streams = await runToEnd(deps, chatId, MULTI_STEP);
    const resumes = seen.filter((r) => r.method === "GET" && /stream=true&starting_after=[1-9]/.test(r.url));
    expect(resumes.length).toBeGreaterThan(2);
    expect(creates(seen)).toHaveLength(1);
    const { tools, history, state, text } = await transcript(store, chatId);
    expect(state).toBe("completed");
    expect(tools).toEqual(["query_sales_genie:output-available", "summarize_trends:output-available"]);
    expect(new Set(history).size).toBe(history?.length);
    expect(text?.join("")).toBe(streamedText(streams.flat()));
  });

  it("a crashed worker: the unfinished draft is set aside, the answer written once, the conversation moves on", async () => {
    const { deps, seen, store } = setupAgent("databricks-agent", {
      emulator: { agentServer: { crash: { pauseMs: 200 } } },
    });
    const chatId = crypto.randomUUID();
    await runToEnd(deps, chatId, "Run a crash test of the sales data analysis");
    const chat = await store.getChat(chatId);
    expect(chat?.run?.state).toBe("completed");
    expect(chat?.conversationId).toBe(`${chatId}::attempt-2`);
    const parts = chat?.messages.at(-1)?.parts ?? [];
    const texts = parts.filter((p) => p.type === "text");
    expect(texts.filter((p) => discardedTextReason(p) === "restarted").length).toBe(1);
    const shown = texts.filter((p) => !discardedTextReason(p)).map((p) => (p.type === "text" ? p.text : ""));
    const messages = chat?.history.filter((i) => i.type === "message" && i.role === "assistant") ?? [];
    expect(shown).toHaveLength(messages.length);
    // The next turn is sent on the conversation the agent moved to.
    await runToEnd(deps, chatId, "Thanks. And Q3?");
    expect(creates(seen).at(-1)?.body?.context).toEqual({
      conversation_id: `${chatId}::attempt-2`,
      user_id: OWNER.id,
    });
  });

  it("shows a failed run's error", async () => {
    const { deps, store } = setupAgent("databricks-agent");
    const chatId = crypto.randomUUID();
    const chunks = (await runToEnd(deps, chatId, "Make this request fail, please.")).flat();
    expect((await transcript(store, chatId)).state).toBe("failed");
    const outcome = chunks.find((c) => c.type === "data-run-outcome");
    expect(outcome).toMatchObject({ data: { status: "failed", message: expect.any(String) } });
  });

  it("Stop stops following (cancel answers 501 upstream, so it is not asked), says so and keeps what was shown", async () => {
    const { deps, seen, store } = setupAgent("databricks-agent", { emulator: { timeScale: 1 } });
    const chatId = crypto.randomUUID();
    const reading = readUIStream(
      await startChatTurn(deps, { owner: OWNER, chatId, turn: say("Write a long report") }),
    );
    await new Promise((r) => setTimeout(r, 2500));
    expect(await cancelChatRun(deps, chatId, OWNER.id)).toMatchObject({
      upstream: "unsupported",
      notice: STOPPED_FOLLOWING_NOTICE,
    });
    const chunks = await reading;
    expect(chunks).toContainEqual({
      type: "data-run-outcome",
      id: "run-outcome",
      data: STOPPED_FOLLOWING_NOTICE,
    });
    expect(seen.some((r) => r.path.endsWith("/cancel"))).toBe(false);
    const shown = streamedText(chunks);
    expect(shown.length).toBeGreaterThan(0);
    const stored = (await store.getChat(chatId))?.messages.at(-1);
    expect(stored?.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("")).toBe(shown);
  });

  it("works with a server that has no database: it answers in the foreground", async () => {
    const { deps, store } = setupAgent("databricks-agent", {
      emulator: { agentServer: { lakebase: false } },
    });
    const chatId = crypto.randomUUID();
    await runToEnd(deps, chatId, MULTI_STEP);
    const { state, tools } = await transcript(store, chatId);
    expect(state).toBe("completed");
    expect(tools).toEqual(["query_sales_genie:output-available", "summarize_trends:output-available"]);
  });

  it("polls the final result when streaming is off (no partial output while it runs)", async () => {
    const { deps, seen, store } = setupAgent("databricks-agent", { env: { SUPERVISOR_STREAMING: "off" } });
    const chatId = crypto.randomUUID();
    await runToEnd(deps, chatId, MULTI_STEP);
    expect(creates(seen)[0]?.body).not.toHaveProperty("stream");
    expect(seen.filter((r) => r.method === "GET").length).toBeGreaterThan(1);
    expect((await transcript(store, chatId)).tools).toEqual([
      "query_sales_genie:output-available",
      "summarize_trends:output-available",
    ]);
  });

  it("an approval the agent asks for: Approve sends the history with the decision, the answer follows", async () => {
    const { deps, seen, store } = setupAgent("databricks-agent");
    const chatId = crypto.randomUUID();
    await runToEnd(deps, chatId, "Search the web for lakehouse news.");
    const request = (await store.getChat(chatId))?.history.find((i) => i.type === "mcp_approval_request");
    expect(request).toBeDefined();
    await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId,
        turn: { kind: "approval", decisions: [{ approvalRequestId: String(request?.id), approve: true }] },
      }),
    );
    const input = creates(seen).at(-1)?.body?.input as Array<{ type: string }>;
    expect(input.slice(-2).map((i) => i.type)).toEqual(["mcp_approval_request", "mcp_approval_response"]);
    const { state, tools } = await transcript(store, chatId);
    expect(state).toBe("completed");
    expect(tools).toContain("search_web:output-available");
    // The next turn goes on: the approved call's record (`mcp_call`, which the server's validator refuses)
    // stays in the chat and is not sent back.
    await runToEnd(deps, chatId, "Thanks! Anything else?");
    expect((await transcript(store, chatId)).state).toBe("completed");
    const next = creates(seen).at(-1)?.body?.input as Array<{ type: string }>;
    expect(next.some((i) => i.type === "mcp_call")).toBe(false);
    expect(next.at(-1)).toMatchObject({ type: "message", role: "user" });
  });
});
