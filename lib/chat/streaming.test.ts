import { describe, expect, it } from "vitest";
import { runToEnd, setup, streamedText, transcript } from "./testing";

const QUESTION = "Analyze Q2 sales by region with the Genie space.";

describe("streamed runs (background + stream)", () => {
  it("an upstream that refuses background + stream (Databricks, quirk 7) is polled: one run, the whole answer", async () => {
    const { deps, seen, store, emulator } = setup(60_000, undefined, undefined, undefined, {
      flavor: "databricks",
      streaming: "on",
    });
    const chatId = crypto.randomUUID();
    const streams = await runToEnd(deps, chatId, QUESTION);
    const creates = seen.filter((r) => r.method === "POST" && r.path.endsWith("/responses"));
    // The refused create started nothing; the plain one that followed is the only run upstream.
    expect(creates).toHaveLength(2);
    expect(emulator.inspect()).toHaveLength(1);
    expect(seen.filter((r) => r.method === "GET").length).toBeGreaterThan(0);
    const { text, state } = await transcript(store, chatId);
    expect(state).toBe("completed");
    expect(streams.flat().some((c) => c.type === "finish")).toBe(true);
    expect(text?.join("")).toBe(streamedText(streams.flat()));

    // The next turn does not ask to stream again.
    await runToEnd(deps, chatId, "And by product?");
    expect(seen.filter((r) => r.method === "POST" && r.path.endsWith("/responses"))).toHaveLength(3);
  });
});
