import type { UIMessageChunk } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openChatStore, openPglite } from "@/lib/db";
import type { ChatOwner, DbChatStore } from "@/lib/db/chat-store";
import { say as storeSay } from "@/lib/db/chat-store.contract";
import type { ExportBlock, ExportToolCall } from "@/lib/export/shape";
import { discardedTextReason } from "@/lib/shared/chat";
import { cancelChatRun } from "./cancel";
import { exportChat, loadChatExport } from "./export";
import { OWNER, readUIStream, runToEnd, say, setup, setupAgent } from "./testing";
import { startChatTurn, type TurnDeps, type TurnInput } from "./turn";

// Exports of chats made through the real engine and emulator, stored in the database store (PGlite in
// memory), which keeps the approvals audit log.

const ADA: ChatOwner = { id: "fwd:ada@example.com", email: "ada@example.com" };
const EXPORTED_AT = Date.UTC(2026, 11, 5, 15, 10);

let store: DbChatStore;
let close: () => Promise<void>;
beforeAll(async () => {
  const opened = await openChatStore(() => openPglite("memory://"));
  store = opened.store;
  close = () => opened.database.close();
}, 60_000);
afterAll(() => close());

async function turn(deps: TurnDeps, owner: ChatOwner, chatId: string, input: TurnInput) {
  const chunks = await readUIStream(await startChatTurn(deps, { owner, chatId, turn: input }));
  expect(chunks.at(-1)?.type).toBe("finish");
  return chunks;
}

const approvalIdIn = (chunks: UIMessageChunk[]) =>
  chunks.flatMap((c) => (c.type === "tool-approval-request" ? [c.approvalId] : []))[0] as string;

const toolCalls = (blocks: ExportBlock[]) =>
  blocks.filter((block): block is ExportToolCall => block.type === "tool_call");

const options = (deps: TurnDeps) => ({ clientTools: new Set(deps.registry.names()), now: EXPORTED_AT });

describe("exporting a chat", () => {
  it("has the questions, answers, tool calls and approvals with who decided and when, in order", async () => {
    const { deps } = setup(60_000, store);
    const chatId = crypto.randomUUID();
    await turn(deps, ADA, chatId, say("Please calculate 17 * 23 + 4."));
    const asked = await turn(deps, ADA, chatId, say("Search the web for lakehouse news."));
    const approvalRequestId = approvalIdIn(asked);
    const beforeDecision = Date.now();
    await turn(deps, ADA, chatId, { kind: "approval", decisions: [{ approvalRequestId, approve: true }] });

    const doc = await loadChatExport(store, chatId, ADA, options(deps));
    expect(doc).toMatchObject({
      format: "background-agent-chat/chat-export",
      version: 1,
      exportedAt: "2026-12-05T15:10:00.000Z",
      chat: { id: chatId, title: "Please calculate 17 * 23 + 4." },
      complete: true,
      lastRun: { state: "completed" },
    });
    const messages = doc?.messages ?? [];
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(messages[0]?.text).toBe("Please calculate 17 * 23 + 4.");
    expect(messages[1]?.text).toContain("395");

    const [calculate] = toolCalls(messages[1]?.blocks ?? []);
    expect(calculate).toMatchObject({
      name: "calculate",
      ranOn: "app",
      input: { expression: "17 * 23 + 4" },
      state: "completed",
    });
    expect(calculate?.output).toBeDefined();
    expect(calculate?.durationMs).toBeGreaterThanOrEqual(0);
    expect(calculate?.approval).toBeUndefined();

    const [search] = toolCalls(messages[3]?.blocks ?? []);
    expect(search).toMatchObject({
      id: approvalRequestId,
      name: "search_web",
      ranOn: "mcp",
      server: "web-search",
      input: { query: expect.stringContaining("lakehouse") },
      state: "completed",
      approval: {
        id: approvalRequestId,
        decision: "approved",
        decidedBy: { kind: "email", email: "ada@example.com", label: "ada@example.com" },
      },
    });
    expect(Date.parse(search?.approval?.decidedAt ?? "")).toBeGreaterThanOrEqual(beforeDecision - 1000);
    // The answer's text comes before the card and the agent's words about the result after it.
    expect(messages[3]?.blocks.map((b) => b.type)).toEqual(
      expect.arrayContaining(["mcp_tools", "text", "tool_call"]),
    );
    expect(messages[3]?.blocks.at(-1)?.type).toBe("text");

    const markdown = (await exportChat(store, chatId, ADA, "markdown", options(deps)))?.body ?? "";
    expect(markdown).toMatch(/^# Please calculate 17 \* 23 \+ 4\.\n/);
    expect(markdown).toContain("## You\n\nSearch the web for lakehouse news.");
    expect(markdown).toContain("**Tool call `calculate`** · ran in the app · completed");
    expect(markdown).toContain('```json\n{\n  "input": {\n    "expression": "17 * 23 + 4"');
    expect(markdown).toMatch(
      /\*\*Approved\*\* by ada@example\.com at \d{4}-\d\d-\d\d \d\d:\d\d UTC(?!\s*\(who)/,
    );
    expect(markdown).not.toContain("Still running");
    expect(markdown.split("## Agent")).toHaveLength(3);

    // What each answer took, and the chat's totals: the approval's follow-up counts with its answer.
    expect(messages[1]?.usage).toMatchObject({ cycles: 2, toolCalls: 1 });
    expect(messages[3]?.usage).toMatchObject({ cycles: 2, toolCalls: 1 });
    expect(messages[0]?.usage).toBeUndefined();
    expect(doc?.usage).toMatchObject({ answers: 2, measured: 2, cycles: 4, toolCalls: 2 });
    expect(doc?.usage.tokens?.input).toBe(
      (messages[1]?.usage?.tokens?.input ?? 0) + (messages[3]?.usage?.tokens?.input ?? 0),
    );
    expect(markdown).toMatch(/\nTotals: 2 answers · 2 tool calls · \d+\.\d s · [\d,]+ tokens \([\d,]+ in · /);
    expect(markdown).toMatch(
      /\n_Usage: \d+\.\d s · 2 cycles · 1 tool call · [\d,]+ tokens \([\d,]+ in · [\d,]+ out\)_\n/,
    );
  });

  it("says who denied and why, without an anonymous session's id", async () => {
    const { deps } = setup(60_000, store);
    const chatId = crypto.randomUUID();
    const asked = await turn(deps, OWNER, chatId, say("Search the web for lakehouse news."));
    const approvalRequestId = approvalIdIn(asked);
    await turn(deps, OWNER, chatId, {
      kind: "approval",
      decisions: [{ approvalRequestId, approve: false, reason: "Not on company time" }],
    });
    const doc = await loadChatExport(store, chatId, OWNER, options(deps));
    const [search] = toolCalls(doc?.messages[1]?.blocks ?? []);
    expect(search).toMatchObject({
      state: "denied",
      approval: {
        decision: "denied",
        reason: "Not on company time",
        decidedBy: { kind: "anonymous", owner: true },
      },
    });
    expect(search?.output).toBeUndefined();
    const markdown = (await exportChat(store, chatId, OWNER, "markdown", options(deps)))?.body ?? "";
    expect(markdown).toMatch(
      /\*\*Denied\*\* by the chat's owner \(anonymous session\) at [\d-]+ [\d:]+ UTC: Not on company time/,
    );
    const json = (await exportChat(store, chatId, OWNER, "json", options(deps)))?.body ?? "";
    for (const file of [markdown, json]) expect(file).not.toContain("test-owner");
  });

  it("is nobody else's: another person's chat exports as nothing at all", async () => {
    const { deps } = setup(60_000, store);
    const chatId = crypto.randomUUID();
    await turn(deps, ADA, chatId, say("Hello there"));
    expect(await loadChatExport(store, chatId, OWNER)).toBeUndefined();
    expect(await exportChat(store, chatId, { id: "fwd:eve@example.com" }, "json")).toBeUndefined();
    expect(await exportChat(store, "no-such-chat", ADA, "markdown")).toBeUndefined();
  });

  it("says how a run ended when it failed", async () => {
    const { deps } = setup(60_000, store);
    const chatId = crypto.randomUUID();
    await turn(deps, ADA, chatId, say("Make this request fail, please."));
    const doc = await loadChatExport(store, chatId, ADA, options(deps));
    expect(doc?.lastRun).toMatchObject({ state: "failed", error: expect.any(String) });
    expect(doc?.messages[1]?.outcome).toMatchObject({ status: "failed", message: expect.any(String) });
    const markdown = (await exportChat(store, chatId, ADA, "markdown"))?.body ?? "";
    expect(markdown).toContain(`> **Run failed:** ${doc?.messages[1]?.outcome?.message}`);
  });

  it("says how a run ended when it ended before any answer (its create was lost with its server)", async () => {
    const chatId = crypto.randomUUID();
    const runId = crypto.randomUUID();
    await store.beginTurn(chatId, runId, storeSay("Anyone there?"), { create: true, owner: ADA });
    await store.finishRun(
      chatId,
      runId,
      "error",
      undefined,
      "The run was interrupted before the agent accepted it.",
    );
    const doc = await loadChatExport(store, chatId, ADA);
    expect(doc?.messages.map((m) => m.role)).toEqual(["user"]);
    expect(doc?.lastRun).toMatchObject({ state: "error", error: expect.stringMatching(/interrupted/) });
  });

  it("exports a run still going as far as it got, and says so", async () => {
    const { deps } = setup(60_000, store);
    const chatId = crypto.randomUUID();
    const reading = readUIStream(
      await startChatTurn(deps, {
        owner: ADA,
        chatId,
        turn: say("Run a slow multi-step data analysis"),
      }),
    );
    // Until the first tool's result is stored (nothing of the answer is in the messages yet).
    for (let i = 0; i < 200; i++) {
      const chat = await store.getChat(chatId);
      if (chat?.history.some((item) => item.type === "function_call_output")) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect((await store.getChat(chatId))?.messages).toHaveLength(1);

    const doc = await loadChatExport(store, chatId, ADA, options(deps));
    expect(doc).toMatchObject({ complete: false, lastRun: { state: "running" } });
    expect(doc?.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    // An answer still being written has no figures yet; the totals count it as an answer only.
    expect(doc?.messages[1]?.usage).toBeUndefined();
    expect(doc?.usage).toMatchObject({ answers: 1, measured: 0, toolCalls: 0 });
    const [genie] = toolCalls(doc?.messages[1]?.blocks ?? []);
    expect(genie).toMatchObject({ name: "query_sales_genie", state: "completed", ranOn: "agent" });
    // No times rather than the export's own.
    expect(genie?.durationMs).toBeUndefined();
    const markdown = (await exportChat(store, chatId, ADA, "markdown", options(deps)))?.body ?? "";
    expect(markdown).toContain("> **Still running:**");
    expect(markdown).toContain("**Tool call `query_sales_genie`**");

    await cancelChatRun(deps, chatId, ADA.id);
    await reading;
    const stopped = await loadChatExport(store, chatId, ADA, options(deps));
    expect(stopped).toMatchObject({ complete: true, lastRun: { state: "cancelled" } });
    expect(stopped?.messages[1]?.outcome).toEqual({ status: "cancelled", message: "The run was stopped." });
  });

  it("leaves out the draft a crashed worker never finished", async () => {
    const { deps } = setupAgent("databricks-agent", {
      store,
      emulator: { agentServer: { crash: { pauseMs: 200 } } },
    });
    const chatId = crypto.randomUUID();
    await runToEnd(deps, chatId, "Run a crash test of the sales data analysis");
    const stored = (await store.getChat(chatId))?.messages.at(-1)?.parts ?? [];
    const texts = stored.flatMap((part) => (part.type === "text" && part.text.trim() ? [part] : []));
    const standing = texts.filter((part) => !discardedTextReason(part)).map((part) => part.text);
    expect(standing.length).toBeLessThan(texts.length);

    const doc = await loadChatExport(store, chatId, OWNER);
    const exported = doc?.messages[1]?.blocks.flatMap((block) => (block.type === "text" ? [block.text] : []));
    expect(exported).toEqual(standing);
  });

  it("on a store without an audit log, takes decisions from the history and says who and when are unknown", async () => {
    const { deps, store: memory } = setup(60_000);
    const chatId = crypto.randomUUID();
    const asked = await turn(deps, OWNER, chatId, say("Search the web for lakehouse news."));
    await turn(deps, OWNER, chatId, {
      kind: "approval",
      decisions: [{ approvalRequestId: approvalIdIn(asked), approve: true }],
    });
    const doc = await loadChatExport(memory, chatId, OWNER);
    const [search] = toolCalls(doc?.messages[1]?.blocks ?? []);
    expect(search?.approval).toEqual({ id: approvalIdIn(asked), decision: "approved" });
    const markdown = (await exportChat(memory, chatId, OWNER, "markdown"))?.body ?? "";
    expect(markdown).toContain("**Approved** (who decided and when was not recorded)");
  });
});
