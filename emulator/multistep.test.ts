import { describe, expect, it } from "vitest";
import { buildTimeline, SLOW_PACE, timelineDuration } from "./scenarios";
import { messageText, setup } from "./test-helpers";

const QUESTION = "Analyze Q2 sales by region";

describe("multi-step scenario", () => {
  it("shows items one by one to a poller every 2 s, with hosted tool calls and their outputs", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({ model: "m", input: QUESTION, background: true });
    const polls = [];
    for (let second = 0; second <= 22; second += 2) {
      polls.push(await retrieve(created.id));
      advance(2_000);
    }
    // Never more than one new item between two polls, and several distinct steps seen on the way.
    const counts = polls.map((poll) => poll.output.length);
    for (let i = 1; i < counts.length; i++) {
      expect((counts[i] ?? 0) - (counts[i - 1] ?? 0)).toBeLessThanOrEqual(1);
      expect(counts[i]).toBeGreaterThanOrEqual(counts[i - 1] ?? 0);
    }
    expect(new Set(counts).size).toBeGreaterThanOrEqual(6);
    expect(polls[0]?.status).toBe("queued");
    expect(polls.at(-1)?.status).toBe("completed");

    const done = polls.at(-1);
    expect(done?.output.map((item) => item.type)).toEqual([
      "reasoning",
      "function_call",
      "function_call_output",
      "reasoning",
      "function_call",
      "function_call_output",
      "message",
    ]);
    const [, call1, output1, , call2, output2, answer] = done?.output ?? [];
    expect(call1).toMatchObject({
      name: "query_sales_genie",
      status: "completed",
      arguments: JSON.stringify({ question: QUESTION }),
    });
    expect(call1?.id).toMatch(/^fc_/);
    expect(call1?.call_id).toMatch(/^call_/);
    expect(output1).toEqual({
      type: "function_call_output",
      call_id: call1?.call_id,
      output: expect.any(String),
    });
    expect(output1?.output).toContain("| Asia Pacific |");
    expect(call2).toMatchObject({ name: "summarize_trends", status: "completed" });
    expect(output2?.call_id).toBe(call2?.call_id);
    expect(output2).not.toHaveProperty("id");
    expect(messageText(answer)).toContain("14.6%");
    expect(messageText(answer)).toContain(QUESTION);
  });

  it("shows the function call partial (id null, queued then in_progress) before it completes (databricks)", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({ model: "m", input: QUESTION, background: true });
    advance(1_000 + 2_000 + 500); // queue, reasoning, half the call's queued stretch
    const queued = (await retrieve(created.id)).output[1];
    expect(queued).toMatchObject({ type: "function_call", id: null, status: "queued", arguments: "" });
    advance(1_200);
    const running = (await retrieve(created.id)).output[1];
    expect(running).toMatchObject({ type: "function_call", id: null, status: "in_progress" });
    expect(running?.call_id).toBe(queued?.call_id);
    advance(1_000);
    const finished = (await retrieve(created.id)).output[1];
    expect(finished).toMatchObject({ status: "completed", call_id: queued?.call_id });
    expect(finished?.id).toMatch(/^fc_/);
    // The tool is still running: its output is not shown until it returns.
    expect((await retrieve(created.id)).output).toHaveLength(2);
  });

  it("uses real ids for partial items and gives function_call_output an id in the openai flavour", async () => {
    const { create, retrieve, advance } = setup({ flavor: "openai" });
    const created = await create({ model: "m", input: QUESTION, background: true });
    advance(3_500);
    const partial = (await retrieve(created.id)).output[1];
    expect(partial).toMatchObject({ type: "function_call", status: "in_progress" });
    expect(partial?.id).toMatch(/^fc_/);
    advance(30_000);
    const done = await retrieve(created.id);
    expect(done.output[2]?.id).toMatch(/^fco_/);
  });
});

describe("the slow pace", () => {
  it('"slow" in the question makes the same run take four times as long, with the same items', () => {
    const normal = buildTimeline("Run a multi-step analysis of the sales data", 1);
    const slow = buildTimeline("Run a slow multi-step analysis of the sales data", 1);
    expect(slow.scenario).toBe(normal.scenario);
    expect(timelineDuration(slow)).toBe(timelineDuration(normal) * SLOW_PACE);
    expect(slow.steps.map((s) => s.kind)).toEqual(normal.steps.map((s) => s.kind));
    const failing = buildTimeline("Fail slowly", 1);
    expect(failing.outcome).toMatchObject({ status: "failed", atMs: 2_000 * SLOW_PACE });
    // "slower" is not "slow": triggers are whole words here.
    expect(timelineDuration(buildTimeline("a slower plain question", 1))).toBe(
      timelineDuration(buildTimeline("a plain question", 1)),
    );
  });

  it("reports the run's reasoning tokens on its terminal response, and no cached count (Supervisor API)", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({ model: "m", input: QUESTION, background: true });
    advance(60_000);
    const done = await retrieve(created.id);
    const summaries = done.output
      .filter((item) => item.type === "reasoning")
      .flatMap((item) => (item.summary as Array<{ text: string }>).map((part) => part.text))
      .join(" ");
    const reasoning = 4 * summaries.split(/\s+/).filter(Boolean).length;
    expect(reasoning).toBeGreaterThan(0);
    expect(done.usage?.output_tokens_details).toEqual({ reasoning_tokens: reasoning });
    expect(done.usage?.input_tokens_details).toBeUndefined();
    expect(done.usage?.output_tokens).toBeGreaterThan(reasoning);
    // Deterministic: the same run reports the same usage.
    expect((await retrieve(created.id)).usage).toEqual(done.usage);
  });
});
