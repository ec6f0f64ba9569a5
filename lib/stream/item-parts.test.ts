import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@/lib/shared/chat";
import { ToolCallTracker, viewItem } from "./item-parts";

// An agent that reports a tool's result by the tool's name only (Agent Bricks' OpenAI agents, once a paused run
// goes on in a new one): the result must land on the card the person decided, never on a card of its own.

const asked: ChatMessage = {
  id: "a1",
  role: "assistant",
  parts: [
    {
      type: "dynamic-tool",
      toolName: "send_message",
      toolCallId: "card-1",
      state: "approval-requested",
      input: {},
      approval: { id: "card-1" },
    },
    {
      type: "dynamic-tool",
      toolName: "send_message",
      toolCallId: "card-2",
      state: "approval-requested",
      input: {},
      approval: { id: "card-2" },
    },
  ],
} as ChatMessage;

const result = (output: string) => ({ type: "function_call_output", name: "send_message", output });

describe("a tool result without its call's id", () => {
  it("goes with the oldest call of its tool still waiting, and then the next one", () => {
    const calls = ToolCallTracker.continuing(asked, ["card-1", "card-2"], () => 0);
    const first = calls.pairResult(result("sent 1"));
    expect(first.call_id).toBe("card-1");
    expect(viewItem(first, 0, calls)).toMatchObject({
      kind: "chunks",
      chunks: [{ type: "tool-output-available", toolCallId: "card-1", output: "sent 1" }],
    });
    expect(calls.pairResult(result("sent 2")).call_id).toBe("card-2");
  });

  it("goes with a denied card, which stays denied (no output shown on it)", () => {
    const calls = ToolCallTracker.continuing(asked, [], () => 0);
    calls.deny("card-1");
    viewItem(calls.pairResult(result("sent")), 0, calls); // card-2 was approved and ran
    const rejection = calls.pairResult(result("The person rejected this."));
    expect(rejection.call_id).toBe("card-1");
    expect(viewItem(rejection, 1, calls)).toEqual({ kind: "chunks", chunks: [] });
  });

  it("with no call of its tool shown, gets a card of its own", () => {
    const calls = new ToolCallTracker(() => 0);
    const paired = calls.pairResult(result("x"));
    expect(typeof paired.call_id).toBe("string");
    const view = viewItem(paired, 0, calls);
    expect(view?.kind === "chunks" && view.chunks.map((c) => c.type)).toEqual([
      "tool-input-available",
      "tool-output-available",
    ]);
  });

  it("leaves results that name their call alone", () => {
    const calls = ToolCallTracker.continuing(asked, [], () => 0);
    const item = { type: "function_call_output", call_id: "card-2", output: "y" };
    expect(calls.pairResult(item)).toBe(item);
  });
});

describe("tool call times", () => {
  const call = (id: string, name = "query_sales_genie") => ({
    type: "function_call",
    id: `fc_${id}`,
    call_id: id,
    name,
    arguments: "{}",
  });
  const output = (id: string) => ({ type: "function_call_output", call_id: id, output: "rows" });
  const finishedAt = (chunks: ReturnType<ToolCallTracker["output"]>) => {
    const done = chunks.at(-1);
    return done && "toolMetadata" in done
      ? (done.toolMetadata as { startedAt: number; finishedAt: number })
      : undefined;
  };

  it("times a call from when it was seen to when its result was", () => {
    let now = 1_000;
    const calls = new ToolCallTracker(() => now);
    calls.itemSeen(); // the cycle begins
    now = 3_000;
    viewItem(call("c1"), 0, calls);
    calls.itemSeen();
    now = 7_000;
    const view = viewItem(output("c1"), 1, calls);
    expect(view?.kind === "chunks" && finishedAt(view.chunks)).toEqual({
      kind: "hosted",
      startedAt: 3_000,
      finishedAt: 7_000,
    });
  });

  it("starts a call seen with its result (one look) when the app last saw the run before that look", () => {
    let now = 1_000;
    const calls = new ToolCallTracker(() => now);
    calls.itemSeen(); // the cycle begins at 1 s
    now = 5_000; // one retrieve brings reasoning, the call and its output
    calls.itemSeen(); // the reasoning
    now = 5_002;
    viewItem(call("c1"), 1, calls);
    calls.itemSeen();
    now = 5_004;
    const view = viewItem(output("c1"), 2, calls);
    expect(view?.kind === "chunks" && finishedAt(view.chunks)).toMatchObject({
      startedAt: 1_000,
      finishedAt: 5_004,
    });
  });

  it("keeps the times a stored snapshot gave a call when the message is replayed", () => {
    const calls = new ToolCallTracker(() => 99_000);
    calls.rememberTimes({
      id: "a",
      role: "assistant",
      parts: [
        {
          type: "dynamic-tool",
          toolName: "query_sales_genie",
          toolCallId: "c1",
          state: "output-available",
          input: {},
          output: "rows",
          toolMetadata: { kind: "hosted", startedAt: 2_000, finishedAt: 6_000 },
        },
      ],
    } as ChatMessage);
    viewItem(call("c1"), 0, calls);
    const view = viewItem(output("c1"), 1, calls);
    expect(view?.kind === "chunks" && finishedAt(view.chunks)).toMatchObject({
      startedAt: 2_000,
      finishedAt: 6_000,
    });
  });
});
