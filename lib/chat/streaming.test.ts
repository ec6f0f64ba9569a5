import { describe, expect, it } from "vitest";
import { STOPPED_NOTICE } from "@/lib/shared/chat";
import { cancelChatRun } from "./cancel";
import { OWNER, readUIStream, runToEnd, type Seen, say, setup, streamedText, transcript } from "./testing";
import { startChatTurn } from "./turn";

const QUESTION = "Analyze Q2 sales by region with the Genie space.";

const creates = (seen: Seen[]) => seen.filter((r) => r.method === "POST" && r.path.endsWith("/responses"));
const polls = (seen: Seen[]) => seen.filter((r) => r.method === "GET");

describe("streamed runs (background + stream)", () => {
  it("shows the agent's own text as it is written: one create, no polling, each answer once", async () => {
    const { deps, seen, store } = setup(60_000, undefined, undefined, undefined, { flavor: "openai" });
    const chatId = crypto.randomUUID();
    const streams = await runToEnd(deps, chatId, QUESTION);
    expect(streams).toHaveLength(1);
    const chunks = streams.flat();
    expect(creates(seen)).toHaveLength(1);
    expect(polls(seen)).toHaveLength(0);
    const { text, state, tools } = await transcript(store, chatId);
    expect(state).toBe("completed");
    expect(tools?.length).toBeGreaterThan(0);
    // Every text part arrived as several real deltas, and the stored message is exactly what was streamed.
    const deltasPerPart = new Map<string, number>();
    for (const c of chunks)
      if (c.type === "text-delta") deltasPerPart.set(c.id, (deltasPerPart.get(c.id) ?? 0) + 1);
    expect([...deltasPerPart.values()].every((n) => n > 1)).toBe(true);
    expect(text?.join("")).toBe(streamedText(chunks));
    expect(chunks.filter((c) => c.type === "text-start")).toHaveLength(text?.length ?? -1);
  });

  it("hands over mid-answer and continues from the stored cursor: the whole answer, nothing twice", async () => {
    // A 400 ms stream budget cuts the run many times, some of them in the middle of a message.
    const { deps, seen, store } = setup(400, undefined, undefined, undefined, {
      flavor: "openai",
      timeScale: 0.2,
    });
    const chatId = crypto.randomUUID();
    const streams = await runToEnd(deps, chatId, QUESTION);
    expect(streams.length).toBeGreaterThan(1);
    expect(creates(seen)).toHaveLength(1);
    // At least one hand-over fell in the middle of an answer: a stream sent part of a text, a later one all of it.
    const lengths = (chunks: (typeof streams)[number]) => {
      const sent = new Map<string, number>();
      for (const c of chunks)
        if (c.type === "text-delta") sent.set(c.id, (sent.get(c.id) ?? 0) + c.delta.length);
      return sent;
    };
    const final = lengths(streams.at(-1) ?? []);
    const cutMidAnswer = streams
      .slice(0, -1)
      .some((chunks) =>
        [...lengths(chunks)].some(([id, length]) => length > 0 && length < (final.get(id) ?? 0)),
      );
    expect(cutMidAnswer).toBe(true);
    const { text, state, history } = await transcript(store, chatId);
    expect(state).toBe("completed");
    // The last stream replays the finished items and streams the rest: what the person sees in the end.
    expect(text?.join("")).toBe(streamedText(streams.at(-1) ?? []));
    expect(new Set(history).size).toBe(history?.length);

    // The same question answered in one stream, for comparison.
    const whole = setup(60_000, undefined, undefined, undefined, { flavor: "openai" });
    const other = crypto.randomUUID();
    await runToEnd(whole.deps, other, QUESTION);
    const reference = await transcript(whole.store, other);
    expect(text).toEqual(reference.text);
  }, 20_000);

  it("Stop in the middle of a streamed answer keeps what was streamed, says so, and cancels upstream", async () => {
    const { deps, seen, store } = setup(60_000, undefined, undefined, undefined, {
      flavor: "openai",
      timeScale: 1,
    });
    const chatId = crypto.randomUUID();
    const response = await startChatTurn(deps, {
      owner: OWNER,
      chatId,
      turn: say("Write a long report on sales."),
    });
    const reading = readUIStream(response);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await cancelChatRun(deps, chatId, OWNER.id)).toEqual({
      state: "cancelled",
      upstream: "cancelled",
      notice: STOPPED_NOTICE,
    });
    const chunks = await reading;
    expect(streamedText(chunks).length).toBeGreaterThan(100);
    expect(chunks.filter((c) => c.type === "text-start")).toHaveLength(1);
    expect(chunks.filter((c) => c.type === "text-end")).toHaveLength(1);
    expect(chunks).toContainEqual({ type: "data-run-outcome", id: "run-outcome", data: STOPPED_NOTICE });
    expect(chunks.at(-1)).toEqual({ type: "finish", finishReason: "other" });
    expect(seen.filter((r) => r.path.endsWith("/cancel"))).toHaveLength(1);
    const { text, state } = await transcript(store, chatId);
    expect(state).toBe("cancelled");
    expect(text?.join("")).toBe(streamedText(chunks));
  });

  it("MCP approvals work on the live path too: the streamed run asks, Approve starts the next streamed cycle", async () => {
    const { deps, seen, store } = setup(60_000, undefined, undefined, undefined, { flavor: "openai" });
    const chatId = crypto.randomUUID();
    const first = await readUIStream(
      await startChatTurn(deps, { owner: OWNER, chatId, turn: say("Search the web for lakehouse news") }),
    );
    const ask = first.find((c) => c.type === "tool-approval-request") as { approvalId: string } | undefined;
    expect(ask?.approvalId).toMatch(/^mcpr_/);
    const followUp = await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId,
        turn: { kind: "approval", decisions: [{ approvalRequestId: ask?.approvalId ?? "", approve: true }] },
      }),
    );
    expect(followUp).toContainEqual(
      expect.objectContaining({ type: "tool-output-available", toolCallId: ask?.approvalId }),
    );
    expect(streamedText(followUp).length).toBeGreaterThan(20);
    // Both cycles streamed: two creates, no polling at all.
    expect(creates(seen)).toHaveLength(2);
    expect(polls(seen)).toHaveLength(0);
    expect((await transcript(store, chatId)).state).toBe("completed");
  });

  it("an upstream that refuses background + stream (Databricks, quirk 7 in docs/upstreams.md) is polled: one run, the whole answer", async () => {
    const { deps, seen, store, emulator } = setup(60_000, undefined, undefined, undefined, {
      flavor: "databricks",
      streaming: "on",
    });
    const chatId = crypto.randomUUID();
    const streams = await runToEnd(deps, chatId, QUESTION);
    // The refused create started nothing; the plain one that followed is the only run upstream.
    expect(creates(seen)).toHaveLength(2);
    expect(emulator.inspect()).toHaveLength(1);
    expect(polls(seen).length).toBeGreaterThan(0);
    const { text, state } = await transcript(store, chatId);
    expect(state).toBe("completed");
    expect(streams.flat().some((c) => c.type === "finish")).toBe(true);
    expect(text?.join("")).toBe(streamedText(streams.flat()));

    // The next turn does not ask to stream again.
    await runToEnd(deps, chatId, "And by product?");
    expect(creates(seen)).toHaveLength(3);
  });
});
