import { describe, expect, it } from "vitest";
import type { ChatMessage } from "./chat";
import {
  type AnswerUsage,
  chatUsage,
  chatUsageSummary,
  describeTokens,
  formatDuration,
  responseTokens,
  sumTokens,
  usageOf,
  usageSummary,
} from "./usage";

const response = (usage: unknown) => ({ id: "resp", status: "completed", output: [], usage });

describe("responseTokens", () => {
  it("reads the Responses API usage, details included", () => {
    expect(
      responseTokens(
        response({
          input_tokens: 120,
          output_tokens: 40,
          total_tokens: 160,
          input_tokens_details: { cached_tokens: 100 },
          output_tokens_details: { reasoning_tokens: 12 },
        }),
      ),
    ).toEqual({ input: 120, output: 40, reasoning: 12, cached: 100 });
  });

  it("leaves out the details an upstream did not send, rather than making them zero", () => {
    expect(responseTokens(response({ input_tokens: 5, output_tokens: 7, total_tokens: 12 }))).toEqual({
      input: 5,
      output: 7,
    });
    expect(
      responseTokens(response({ input_tokens: 5, output_tokens: 7, output_tokens_details: null })),
    ).toEqual({ input: 5, output: 7 });
  });

  it("reports nothing for a response without usage, or with one it cannot read", () => {
    expect(responseTokens(response(null))).toBeUndefined();
    expect(responseTokens({ id: "resp" })).toBeUndefined();
    expect(responseTokens(undefined)).toBeUndefined();
    expect(responseTokens(response({ input_tokens: "5", output_tokens: 7 }))).toBeUndefined();
    expect(responseTokens(response({ input_tokens: -1, output_tokens: 7 }))).toBeUndefined();
  });
});

describe("sumTokens", () => {
  it("adds several cycles' counts", () => {
    expect(
      sumTokens([
        { input: 100, output: 20, reasoning: 5, cached: 0 },
        { input: 150, output: 30, reasoning: 7, cached: 90 },
      ]),
    ).toEqual({ input: 250, output: 50, reasoning: 12, cached: 90 });
  });

  it("skips cycles that reported nothing, and is undefined when none did", () => {
    expect(sumTokens([undefined, { input: 10, output: 2 }, undefined])).toEqual({ input: 10, output: 2 });
    expect(sumTokens([undefined, undefined])).toBeUndefined();
    expect(sumTokens([])).toBeUndefined();
  });

  it("sums a detail over the cycles that reported it, and keeps it absent when none did", () => {
    const summed = sumTokens([
      { input: 10, output: 2, reasoning: 3 },
      { input: 20, output: 4 },
    ]);
    expect(summed).toEqual({ input: 30, output: 6, reasoning: 3 });
    expect(summed).not.toHaveProperty("cached");
  });
});

const assistant = (id: string, usage?: unknown): ChatMessage => ({
  id,
  role: "assistant",
  parts: [],
  ...(usage === undefined ? {} : { metadata: { usage } }),
});
const user: ChatMessage = { id: "u", role: "user", parts: [{ type: "text", text: "hi" }] };

describe("usageOf and chatUsage", () => {
  const first: AnswerUsage = {
    durationMs: 4_000,
    cycles: 2,
    toolCalls: 3,
    tokens: { input: 100, output: 50 },
  };
  const second: AnswerUsage = { durationMs: 1_500, cycles: 1, toolCalls: 0 };

  it("reads the usage stored with an answer, and nothing from anything else", () => {
    expect(usageOf(assistant("a", first))).toEqual(first);
    expect(usageOf(assistant("a"))).toBeUndefined();
    expect(usageOf(assistant("a", { durationMs: "soon" }))).toBeUndefined();
    expect(usageOf(user)).toBeUndefined();
  });

  it("totals a chat's answers, counting those without usage as answers only", () => {
    const totals = chatUsage([user, assistant("a", first), user, assistant("b", second), assistant("c")]);
    expect(totals).toEqual({
      answers: 3,
      measured: 2,
      durationMs: 5_500,
      cycles: 3,
      toolCalls: 3,
      tokens: { input: 100, output: 50 },
    });
    expect(chatUsageSummary(totals)).toBe("3 answers · 3 tool calls · 5.5 s · 150 tokens");
    // An answer still being written is counted, but its snapshot's figures are not (they are not final).
    expect(chatUsage([user, assistant("a", first), user, assistant("b", second)], "b")).toMatchObject({
      answers: 2,
      measured: 1,
      durationMs: 4_000,
    });
    expect(chatUsage([user])).toEqual({ answers: 0, measured: 0, durationMs: 0, cycles: 0, toolCalls: 0 });
  });
});

describe("wording", () => {
  it("says the answer's figures, and nothing about tokens when none were reported", () => {
    expect(
      usageSummary({ durationMs: 4_230, cycles: 2, toolCalls: 1, tokens: { input: 1_000, output: 234 } }),
    ).toBe("4.2 s · 2 cycles · 1 tool call · 1,234 tokens");
    expect(usageSummary({ durationMs: 800, cycles: 1, toolCalls: 0 })).toBe("0.8 s · 1 cycle · 0 tool calls");
  });

  it("names the token details only when they were reported", () => {
    expect(describeTokens({ input: 1_200, output: 300, reasoning: 120, cached: 800 })).toBe(
      "1,200 in (800 cached) · 300 out (120 reasoning)",
    );
    expect(describeTokens({ input: 12, output: 3 })).toBe("12 in · 3 out");
  });

  it("gives run times in seconds, then minutes", () => {
    expect(formatDuration(59_940)).toBe("59.9 s");
    expect(formatDuration(125_000)).toBe("2m 05s");
  });
});
