import { describe, expect, it } from "vitest";
import { mcpCallResult } from "../tools";
import { invocationDetails } from "./store";
import { bricks, messagesOf, shape, turn } from "./test-helpers";
import { DECISION_COUNT, DECISION_MISMATCH, PAUSE_PENDING } from "./turn";

const QUESTION = "Search the web for lakehouse news";
type Interrupt = {
  type: "interrupt";
  id: string;
  value: { action_requests: Array<{ name: string; args: Record<string, unknown>; call_id: string }> };
};

/** A paused first turn, run to its end. */
async function paused(question = QUESTION) {
  const harness = bricks();
  const { id } = await harness.start(turn(question));
  harness.advance(10_000);
  const { frames } = await harness.events(id);
  const interrupt = frames.find((frame) => frame.event === "interrupt")?.data as unknown as Interrupt;
  return { ...harness, id, frames, interrupt };
}

const resume = (decisions: unknown[]) => ({ resume: { decisions } });

describe("agent-bricks: human in the loop", () => {
  it("a tool that needs approval ends the run with one interrupt, then run.completed; the output says interrupted", async () => {
    const { id, frames, interrupt, status, emulator } = await paused();
    expect(shape(frames)).toEqual([
      "run.started",
      "delta*",
      "message:text",
      "message:tool_calls",
      "interrupt",
      "run.completed",
    ]);
    const callId = interrupt.value.action_requests[0]?.call_id as string;
    expect(callId).toMatch(/^call_[0-9a-f]+$/);
    expect(interrupt).toEqual({
      type: "interrupt",
      id: callId,
      value: {
        action_requests: [{ name: "search_web", args: { query: "lakehouse news" }, call_id: callId }],
      },
    });
    expect(messagesOf(frames).at(-1)).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [{ name: "search_web", args: { query: "lakehouse news" } }],
    });

    const { body } = await status(id);
    const output = body.output as { output: unknown[]; status: string };
    expect(body.status).toBe("completed");
    expect(output.status).toBe("interrupted");
    expect(output.output.at(-1)).toEqual(interrupt);
    const [view] = emulator.inspect();
    expect(view?.response.output.at(-1)).toMatchObject({
      type: "mcp_approval_request",
      id: callId,
      name: "search_web",
    });
  });

  it("approve: a new invocation in the same session runs the tool and answers with its result", async () => {
    const { interrupt, start, advance, events, status } = await paused();
    const callId = interrupt.value.action_requests[0]?.call_id;
    const { id } = await start(resume([{ type: "approve", call_id: callId }]));
    advance(10_000);
    const { frames } = await events(id);
    expect(shape(frames)).toEqual(["run.started", "message:tool", "delta*", "message:text", "run.completed"]);
    const [result, answer] = messagesOf(frames);
    const output = mcpCallResult("search_web", { query: "lakehouse news" });
    expect(result).toEqual({ role: "tool", name: "search_web", content: output });
    expect(answer?.content).toContain("I ran `search_web` on `web-search`");
    expect((await status(id)).body.output).toMatchObject({ status: "completed" });
  });

  it("reject: the answer says the tool was not run, with the person's message", async () => {
    const { interrupt, start, advance, events } = await paused();
    const callId = interrupt.value.action_requests[0]?.call_id;
    const { id } = await start(resume([{ type: "reject", call_id: callId, message: "Not today" }]));
    advance(10_000);
    const { frames } = await events(id);
    expect(shape(frames)).toEqual(["run.started", "delta*", "message:text", "run.completed"]);
    const answer = String(messagesOf(frames)[0]?.content);
    expect(answer).toContain("I did not run `search_web`");
    expect(answer).toContain('"Not today"');
  });

  it("decisions must be one per pending call, in order, with matching call ids; a failed resume keeps the pause", async () => {
    const { interrupt, frames, start, advance, status, emulator, events } = await paused(
      "Create a ticket and email the team about the outage",
    );
    const [ticket, email] = interrupt.value.action_requests;
    expect([ticket?.name, email?.name]).toEqual(["create_ticket", "send_email"]);
    // Python's list separator on the wire, between the two requests.
    const raw = frames.find((frame) => frame.event === "interrupt")?.raw;
    expect(raw).toContain(`"call_id": "${ticket?.call_id}"}, {"name": "send_email", "args": {"to": `);

    const tooFew = await start(resume([{ type: "approve", call_id: ticket?.call_id }]));
    const swapped = await start(
      resume([
        { type: "approve", call_id: email?.call_id },
        { type: "approve", call_id: ticket?.call_id },
      ]),
    );
    const good = await start(
      resume([
        { type: "approve", call_id: ticket?.call_id },
        { type: "reject", call_id: email?.call_id },
      ]),
    );
    advance(10_000);
    expect((await status(tooFew.id)).body.status).toBe("failed");
    expect(shape((await events(tooFew.id)).frames)).toEqual(["run.started", "run.failed"]);
    expect((await status(swapped.id)).body.status).toBe("failed");
    const reasons = emulator.inspect().map((view) => invocationDetails(view)?.failureReason);
    expect(reasons).toEqual([undefined, DECISION_COUNT, DECISION_MISMATCH, undefined]);

    const answered = messagesOf((await events(good.id)).frames);
    expect(answered.map((message) => message.role)).toEqual(["tool", "assistant"]);
    expect(answered[0]?.name).toBe("create_ticket");
    expect(answered[1]?.content).toContain("I did not run `send_email`");
  });

  it("a new turn while a pause is pending fails; once decided, the session takes turns again", async () => {
    const { interrupt, start, advance, status, emulator } = await paused();
    const early = await start(turn("Hello"));
    const decided = await start(
      resume([{ type: "reject", call_id: interrupt.value.action_requests[0]?.call_id }]),
    );
    const later = await start(turn("Hello"));
    advance(20_000);
    expect((await status(early.id)).body.status).toBe("failed");
    expect((await status(decided.id)).body.status).toBe("completed");
    expect((await status(later.id)).body.status).toBe("completed");
    const [, earlyView] = emulator.inspect();
    expect(earlyView && invocationDetails(earlyView)?.failureReason).toBe(PAUSE_PENDING);
  });
});
