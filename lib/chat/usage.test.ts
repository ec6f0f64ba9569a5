import { describe, expect, it } from "vitest";
import { type AnswerUsage, sumTokens, type TokenUsage, usageOf } from "@/lib/shared/usage";
import { cancelChatRun } from "./cancel";
import { OWNER, readUIStream, runToEnd, type Seen, say, setup } from "./testing";
import { startChatTurn } from "./turn";

/** The token counts the upstream reported on each response the app retrieved, read back from the emulator. */
async function reportedTokens(
  emulator: ReturnType<typeof setup>["emulator"],
  seen: Seen[],
): Promise<Array<TokenUsage | undefined>> {
  const paths = [...new Set(seen.filter((s) => s.method === "GET").map((s) => s.path))];
  return Promise.all(
    paths.map(async (path) => {
      const response = await emulator.handle(new Request(`http://upstream.test${path}`));
      const { usage } = (await response.json()) as { usage?: Record<string, number> | null };
      return usage ? { input: usage.input_tokens ?? 0, output: usage.output_tokens ?? 0 } : undefined;
    }),
  );
}

async function storedUsage(store: ReturnType<typeof setup>["store"], chatId: string) {
  const chat = await store.getChat(chatId);
  return usageOf(chat?.messages.at(-1)) as AnswerUsage;
}

describe("usage per answer", () => {
  it("adds up every cycle of a turn that ran the app's own tool: two responses, one tool call", async () => {
    const { deps, store, seen, emulator } = setup(60_000);
    const before = Date.now();
    await runToEnd(deps, "fn", "What time is it in Tokyo?");
    const wall = Date.now() - before;
    const usage = await storedUsage(store, "fn");
    expect(usage.cycles).toBe(2);
    expect(usage.toolCalls).toBe(1);
    expect(usage.durationMs).toBeGreaterThan(0);
    expect(usage.durationMs).toBeLessThanOrEqual(wall);
    const reported = await reportedTokens(emulator, seen);
    expect(reported).toHaveLength(2);
    // The Supervisor API reports no detail objects for a run without reasoning: none is made up.
    expect(usage.tokens).toEqual(sumTokens(reported));
    expect(usage.tokens).not.toHaveProperty("cached");
    expect(usage.tokens).not.toHaveProperty("reasoning");
  });

  it("counts the reasoning tokens the upstream reports, and the answer's tool cards", async () => {
    const { deps, store } = setup(60_000);
    await runToEnd(deps, "steps", "Analyze Q2 sales by region with the Genie space");
    const usage = await storedUsage(store, "steps");
    expect(usage).toMatchObject({ cycles: 1, toolCalls: 2 });
    expect(usage.tokens?.reasoning).toBeGreaterThan(0);
    expect(usage.tokens?.output).toBeGreaterThan(usage.tokens?.reasoning ?? 0);
  });

  it("says nothing about tokens when the upstream reported none (a failed run)", async () => {
    const { deps, store } = setup(60_000);
    await runToEnd(deps, "failed", "Make this request fail, please");
    const usage = await storedUsage(store, "failed");
    expect(usage.cycles).toBe(1);
    expect(usage).not.toHaveProperty("tokens");
  });

  it("a stopped run counts its cycle and run time, and no tokens (the upstream reported none)", async () => {
    const { deps, store } = setup(60_000);
    const reading = readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "stopped",
        turn: say("Run a slow multi-step analysis"),
      }),
    );
    for (let i = 0; i < 200 && !(await store.getChat("stopped"))?.run?.responseId; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    await cancelChatRun(deps, "stopped", OWNER.id);
    await reading;
    const usage = await storedUsage(store, "stopped");
    expect(usage.cycles).toBe(1);
    expect(usage.durationMs).toBeGreaterThanOrEqual(200);
    expect(usage).not.toHaveProperty("tokens");
  });

  it("an approval's follow-up adds to the same answer's totals", async () => {
    const { deps, store } = setup(60_000);
    await runToEnd(deps, "approve", "Search the web for lakehouse news");
    const asked = await storedUsage(store, "approve");
    expect(asked).toMatchObject({ cycles: 1, toolCalls: 1 });
    const request = (await store.getChat("approve"))?.history.find((i) => i.type === "mcp_approval_request");
    await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "approve",
        turn: { kind: "approval", decisions: [{ approvalRequestId: String(request?.id), approve: true }] },
      }),
    );
    const answered = await storedUsage(store, "approve");
    expect(answered.cycles).toBe(2);
    expect(answered.toolCalls).toBe(1);
    expect(answered.durationMs).toBeGreaterThan(asked.durationMs);
    expect(answered.tokens?.input).toBeGreaterThan(asked.tokens?.input ?? 0);
    expect(answered.tokens?.output).toBeGreaterThan(asked.tokens?.output ?? 0);
  });

  it("a run cut into many streams counts each cycle once and its whole run time", async () => {
    const uncut = setup(60_000);
    await runToEnd(uncut.deps, "uncut", "Please calculate 17 * 23 + 4");
    const cut = setup(120);
    const streams = await runToEnd(cut.deps, "cut", "Please calculate 17 * 23 + 4");
    expect(streams.length).toBeGreaterThan(1);
    const whole = await storedUsage(uncut.store, "uncut");
    const pieces = await storedUsage(cut.store, "cut");
    expect(pieces.cycles).toBe(whole.cycles);
    expect(pieces.toolCalls).toBe(whole.toolCalls);
    expect(pieces.tokens).toEqual(whole.tokens);
    const run = (await cut.store.getChat("cut"))?.run;
    expect(pieces.durationMs).toBeGreaterThanOrEqual((run?.finishedAt ?? 0) - (run?.startedAt ?? 0) - 50);
  });
});
