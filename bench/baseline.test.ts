import { describe, expect, it } from "vitest";
import { noEcho } from "@/lib/background";
import { fakeClock, message, response, scriptedClient } from "@/lib/background/testing";
import { type BaselineEvent, baselinePoll, baselineReveal } from "./baseline";

describe("baseline (the Databricks background-mode recipe)", () => {
  it("retrieves 1 s after create, then every 2 s", async () => {
    const clock = fakeClock(0);
    const at: number[] = [];
    const { client, calls } = scriptedClient([
      response("in_progress", []),
      response("in_progress", []),
      response("in_progress", []),
      response("completed", [message("msg_1", "done")]),
    ]);
    const retrieve = client.retrieve;
    client.retrieve = (id, options) => {
      at.push(clock.now());
      return retrieve(id, options);
    };
    const events: BaselineEvent[] = [];
    for await (const event of baselinePoll({ client, clock, responseId: "resp_1", echo: noEcho }))
      events.push(event);
    expect(at).toEqual([1000, 3000, 5000, 7000]);
    expect(calls.retrieve).toBe(4);
    expect(events.at(-1)).toEqual({ type: "end", status: "completed", polls: 4 });
  });

  it("reveals one word per event with a 10 ms pause", async () => {
    const clock = fakeClock(0);
    const text = "one two three four five";
    const deltas: Array<{ delta: string; at: number }> = [];
    for await (const delta of baselineReveal(text, clock)) deltas.push({ delta, at: clock.now() });
    expect(deltas.map((d) => d.delta).join("")).toBe(text);
    expect(deltas.map((d) => d.at)).toEqual([0, 10, 20, 30, 40]);
    expect(clock.sleeps).toEqual([10, 10, 10, 10]);
  });

  it("sends a finished message word by word as soon as a retrieve shows it", async () => {
    const clock = fakeClock(0);
    const { client } = scriptedClient([response("completed", [message("msg_1", "a b c")])]);
    const events: BaselineEvent[] = [];
    for await (const event of baselinePoll({ client, clock, responseId: "resp_1", echo: noEcho }))
      events.push(event);
    expect(events.map((e) => e.type)).toEqual(["item", "delta", "delta", "delta", "end"]);
    expect(clock.now()).toBe(1000 + 2 * 10);
  });
});
