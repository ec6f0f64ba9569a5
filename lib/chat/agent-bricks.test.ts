import { describe, expect, it } from "vitest";
import { invocationDetails } from "@/emulator/agent-bricks/store";
import { discardedTextReason, STOPPED_FOLLOWING_NOTICE } from "@/lib/shared/chat";
import { RUN_FAILED } from "@/lib/upstreams/agent-bricks-events";
import { cancelChatRun } from "./cancel";
import { OWNER, readUIStream, runToEnd, setupAgent, streamedText, transcript } from "./testing";
import { startChatTurn } from "./turn";

// The chat on an Agent Bricks agent (DurableAgentServer), through the app's adapter and the emulator's
// `agent-bricks` flavour: every request as the runtime would see it.

const invocations = (seen: ReturnType<typeof setupAgent>["seen"]) =>
  seen.filter((r) => r.method === "POST" && r.path === "/api/invocations");

describe("a chat on an Agent Bricks agent", () => {
  it("shows the answer as it is written, one invocation per turn in the chat's session, only the new message", async () => {
    const { deps, seen, store, emulator } = setupAgent("agent-bricks");
    const chatId = crypto.randomUUID();
    const streams = await runToEnd(deps, chatId, "Analyze Q2 sales by region with the Genie space.");
    const chunks = streams.flat();
    const { text, tools, state } = await transcript(store, chatId);
    expect(state).toBe("completed");
    expect(tools).toEqual(["query_sales_genie:output-available", "summarize_trends:output-available"]);
    expect(chunks.filter((c) => c.type === "text-delta").length).toBeGreaterThan(1);
    expect(text?.join("")).toBe(streamedText(chunks));
    await runToEnd(deps, chatId, "And Q3?");
    const creates = invocations(seen).filter((r) => r.body && !("session_id" in r.body));
    expect(creates).toHaveLength(2);
    // The runtime takes the session as a header (it refused the body field once, then the app remembered).
    expect(creates.map((r) => r.headers.get("x-databricks-session-id"))).toEqual([chatId, chatId]);
    expect(creates[1]?.body?.input).toEqual({
      messages: [{ role: "user", content: "And Q3?" }],
      actor: OWNER.id,
    });
    const ids = creates.map((r) => r.body?.id);
    expect(new Set(ids).size).toBe(2);
    // The run's id was the one the app picked and stored.
    expect(emulator.inspect().map((v) => v.response.id)).toEqual(ids);
  });

  it("turns a pause into approval cards; Approve resumes it with the decision, in the same session", async () => {
    const { deps, seen, store } = setupAgent("agent-bricks");
    const chatId = crypto.randomUUID();
    await runToEnd(deps, chatId, "Search the web for lakehouse news.");
    const asked = await store.getChat(chatId);
    const request = asked?.history.find((i) => i.type === "mcp_approval_request");
    expect(request).toMatchObject({ name: "search_web", server_label: "agent" });
    // The call the agent announced before pausing and the approval it asks for are one card.
    expect((await transcript(store, chatId)).tools).toEqual(["search_web:approval-requested"]);
    const agentCallId = (request?.agent_bricks as { call_id?: string } | undefined)?.call_id;
    expect(agentCallId).toMatch(/^call_/);
    const chunks = await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId,
        turn: { kind: "approval", decisions: [{ approvalRequestId: String(request?.id), approve: true }] },
      }),
    );
    const resume = invocations(seen).at(-1);
    expect(resume?.body?.input).toEqual({
      resume: { decisions: [{ type: "approve", call_id: agentCallId }] },
    });
    expect(resume?.headers.get("x-databricks-session-id")).toBe(chatId);
    expect(chunks.some((c) => c.type === "finish")).toBe(true);
    const done = await transcript(store, chatId);
    expect(done.state).toBe("completed");
    expect(done.text?.join(" ")).toMatch(/search_web/);
    // The result the resumed run reports by the tool's name only lands on the approved card.
    expect(done.tools).toEqual(["search_web:output-available"]);
  });

  it("Deny sends a reject with the reason, and the agent answers without running the tool", async () => {
    const { deps, seen, store } = setupAgent("agent-bricks");
    const chatId = crypto.randomUUID();
    await runToEnd(deps, chatId, "Search the web for lakehouse news.");
    const request = (await store.getChat(chatId))?.history.find((i) => i.type === "mcp_approval_request");
    await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId,
        turn: {
          kind: "approval",
          decisions: [{ approvalRequestId: String(request?.id), approve: false, reason: "not today" }],
        },
      }),
    );
    expect(invocations(seen).at(-1)?.body?.input).toEqual({
      resume: {
        decisions: [
          {
            type: "reject",
            call_id: (request?.agent_bricks as { call_id?: string } | undefined)?.call_id,
            message: "not today",
          },
        ],
      },
    });
    const done = await transcript(store, chatId);
    expect(done.state).toBe("completed");
    expect(done.tools).toEqual(["search_web:output-denied"]);
  });

  it("Stop stops following (there is no cancel upstream), says so, and keeps what was shown", async () => {
    const { deps, seen, store } = setupAgent("agent-bricks", { emulator: { timeScale: 1 } });
    const chatId = crypto.randomUUID();
    const response = await startChatTurn(deps, {
      owner: OWNER,
      chatId,
      turn: {
        kind: "message",
        text: "Write a long report",
        message: { id: "m1", role: "user", parts: [{ type: "text", text: "Write a long report" }] },
      },
    });
    const reading = readUIStream(response);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await cancelChatRun(deps, chatId, OWNER.id)).toEqual({
      state: "cancelled",
      upstream: "unsupported",
      notice: STOPPED_FOLLOWING_NOTICE,
    });
    const chunks = await reading;
    expect(chunks).toContainEqual({
      type: "data-run-outcome",
      id: "run-outcome",
      data: STOPPED_FOLLOWING_NOTICE,
    });
    expect(seen.some((r) => r.path.endsWith("/cancel") || r.method === "DELETE")).toBe(false);
    const shown = streamedText(chunks);
    expect(shown.length).toBeGreaterThan(0);
    const stored = (await store.getChat(chatId))?.messages.at(-1);
    expect(stored?.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])).join("")).toBe(shown);
  });

  it("a create whose answer was lost is sent again with the same id and finds the same run", async () => {
    const { deps, seen, store, emulator } = setupAgent("agent-bricks", {
      emulator: { agentBricks: { loseCreateAnswers: 1 } },
    });
    const chatId = crypto.randomUUID();
    await runToEnd(deps, chatId, "What can you do?");
    expect((await transcript(store, chatId)).state).toBe("completed");
    const ids = invocations(seen).flatMap((r) => (r.body?.id ? [r.body.id] : []));
    expect(ids.length).toBeGreaterThan(1);
    expect(new Set(ids).size).toBe(1);
    expect(emulator.inspect()).toHaveLength(1);
    expect(invocationDetails(emulator.inspect()[0] as never)?.attempts).toBe(1);
  });

  it("a worker that dies mid-answer: its draft is set aside with a note, the recovered answer shown once", async () => {
    const { deps, store } = setupAgent("agent-bricks", {
      emulator: { agentBricks: { crash: { pauseMs: 200 } } },
    });
    const chatId = crypto.randomUUID();
    const chunks = (await runToEnd(deps, chatId, "Please crash while answering")).flat();
    const chat = await store.getChat(chatId);
    expect(chat?.run?.state).toBe("completed");
    const texts = (chat?.messages.at(-1)?.parts ?? []).filter((p) => p.type === "text");
    expect(texts.filter((p) => discardedTextReason(p) === "restarted")).toHaveLength(1);
    const answers = chat?.history.filter((i) => i.type === "message" && i.role === "assistant") ?? [];
    expect(answers).toHaveLength(1);
    expect(texts.filter((p) => !discardedTextReason(p))).toHaveLength(1);
    expect(chunks.some((c) => c.type === "data-run-outcome")).toBe(false);
  });

  it("shows a failed run's error, saying where its reason is", async () => {
    const { deps, store } = setupAgent("agent-bricks");
    const chatId = crypto.randomUUID();
    const chunks = (await runToEnd(deps, chatId, "Make this request fail, please.")).flat();
    expect((await transcript(store, chatId)).state).toBe("failed");
    expect(chunks.find((c) => c.type === "data-run-outcome")).toMatchObject({
      data: { status: "failed", message: expect.stringContaining(RUN_FAILED) },
    });
  });

  it("follows a run whose event stream is cut every few hundred ms: each item once, in order", async () => {
    const { deps, seen, store } = setupAgent("agent-bricks", {
      emulator: { timeScale: 0.2, faults: { streamCutMs: 300 } },
    });
    const chatId = crypto.randomUUID();
    const streams = await runToEnd(deps, chatId, "Analyze Q2 sales by region with the Genie space.");
    const reopened = seen.filter((r) => r.method === "GET" && /\/events\?after=[1-9]/.test(r.url));
    expect(reopened.length).toBeGreaterThan(2);
    const { tools, history, state, text } = await transcript(store, chatId);
    expect(state).toBe("completed");
    expect(tools).toEqual(["query_sales_genie:output-available", "summarize_trends:output-available"]);
    expect(new Set(history).size).toBe(history?.length);
    expect(text?.join("")).toBe(streamedText(streams.flat()));
  });
});
