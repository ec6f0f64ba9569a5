import { describe, expect, it } from "vitest";
import { invocationDetails } from "./store";
import { bricks, messagesOf, parseFrames, shape, turn } from "./test-helpers";

const decoder = new TextDecoder();

// "Please crash …" is the plain scenario: queued 0.8 s, 0.4 s of thought, a 1.6 s message. The worker dies half
// way through the message (2 s after acceptance); the default stale window is 10 s; the second go takes 2 s.
const CRASH_MS = 2_000;
const RESTART_MS = CRASH_MS + 10_000;
const END_MS = RESTART_MS + 2_000;

describe("agent-bricks: a worker crash and the recovery", () => {
  it("writes nothing for the stale window, then run.started again and the whole turn again under new ids", async () => {
    const { start, advance, emulator, status } = bricks();
    const { id } = await start(turn("Please crash while answering"));
    const attempts = () => emulator.inspect().map((view) => invocationDetails(view)?.attempts);

    advance(RESTART_MS - 1);
    expect((await status(id)).body.status).toBe("active");
    expect(attempts()).toEqual([1]);
    const response = await emulator.fetch(`http://agent.local/api/invocations/${id}/events`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const before = parseFrames(decoder.decode((await reader.read()).value));
    expect(shape(before)).toEqual(["run.started", "delta*"]);
    // The dead worker's silence: nothing more is written while the clock stands in the stale window.
    const next = reader.read();
    const quiet = await Promise.race([
      next.then(() => "written"),
      new Promise((r) => setTimeout(r, 150, "quiet")),
    ]);
    expect(quiet).toBe("quiet");

    advance(1);
    expect(parseFrames(decoder.decode((await next).value)).map((frame) => frame.event)).toEqual([
      "run.started",
    ]);
    expect(attempts()).toEqual([2]);

    advance(END_MS - RESTART_MS);
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += decoder.decode(chunk.value);
    const after = parseFrames(rest);
    expect(shape(after)).toEqual(["delta*", "message:text", "run.completed"]);
    const firstIds = new Set(before.filter((f) => f.event === "delta").map((f) => f.data.id));
    const secondIds = new Set(after.filter((f) => f.event === "delta").map((f) => f.data.id));
    expect(firstIds.size).toBe(1);
    expect(secondIds.size).toBe(1);
    expect([...firstIds][0]).not.toBe([...secondIds][0]);

    const { body } = await status(id);
    expect(body.status).toBe("completed");
    expect((body.output as { output: unknown[] }).output).toHaveLength(1);
  });

  it("at the configured rate, without the word: items finished before the crash are emitted again (at least once)", async () => {
    const { start, advance, events } = bricks({ agentBricks: { crash: { rate: 1, pauseMs: 1_000 } } });
    const { id } = await start(turn("Analyze Q2 sales by region with the Genie space"));
    advance(60_000);
    const { frames } = await events(id);
    expect(frames.filter((frame) => frame.event === "run.started")).toHaveLength(2);
    // Died in the answer (the longest message): both tool calls and results had been reported already.
    expect(messagesOf(frames).filter((message) => message.role === "tool")).toHaveLength(4);
    expect(shape(frames).at(-1)).toBe("run.completed");
  });
});
