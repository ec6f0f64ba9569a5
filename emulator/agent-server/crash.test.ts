import { describe, expect, it } from "vitest";
import type { EmulatorOptions, JsonObject } from "../types";
import {
  type AgentFrame,
  agentSetup,
  doneItems,
  nextRead,
  ofType,
  parseFrames,
  readStored,
  readWithin,
  userSays,
} from "./test-harness";

async function crashedRun(question: string, flags: JsonObject = {}, options: EmulatorOptions = {}) {
  const harness = agentSetup(options);
  const response = await harness.post("/responses", {
    input: userSays(question),
    background: true,
    stream: true,
    ...flags,
  });
  harness.advance(180_000);
  const { frames, done } = await readStored(response);
  const id = frames[0]?.response_id as string;
  const resumedAt = frames.findIndex((frame) => frame.type === "response.resumed");
  return { ...harness, frames, done, id, resumedAt };
}

const textOf = (item: JsonObject | undefined) =>
  (item?.content as Array<{ text: string }> | undefined)?.[0]?.text;

describe("databricks-agent: a crashed worker and response.resumed", () => {
  it("resumes with the sentinel, a new turn, and the unfinished message written again under a new id", async () => {
    const { frames, done, id, resumedAt, get } = await crashedRun("Hello, and then crash");
    expect(done).toBe(true);
    expect(frames.map((frame) => frame.sequence_number)).toEqual(frames.map((_, index) => index));
    expect(frames[resumedAt]).toEqual({
      type: "response.resumed",
      attempt: 2,
      from_seq: resumedAt,
      conversation_id: `${id}::attempt-2`,
      sequence_number: resumedAt,
      response_id: id,
    });
    expect(frames[resumedAt + 1]?.type).toBe("response.created");

    const before = frames.slice(0, resumedAt);
    const after = frames.slice(resumedAt + 1);
    const abandoned = ofType(before, "response.output_item.added")[0]?.item as JsonObject;
    expect(ofType(before, "response.output_item.done")).toEqual([]);
    expect(ofType(before, "response.output_text.delta").length).toBeGreaterThan(0);
    const redone = ofType(after, "response.output_item.added")[0]?.item as JsonObject;
    expect(redone.id).not.toBe(abandoned.id);
    const [finished] = doneItems(after);
    expect(finished?.id).toBe(redone.id);
    // Written again from its start: the new attempt's deltas alone make the whole text.
    const deltas = ofType(after, "response.output_text.delta").filter((frame) => frame.item_id === redone.id);
    expect(deltas.map((frame) => frame.delta).join("")).toBe(textOf(finished));

    expect(await (await get(`/responses/${id}`)).json()).toEqual({
      id,
      status: "completed",
      output: [finished],
      attempt_number: 2,
    });
  });

  it("keeps what was finished before the crash once, and GET's output is the union over both attempts", async () => {
    const { frames, resumedAt, id, get, emulator } = await crashedRun(
      "Crash while you analyze the sales data",
    );
    const before = doneItems(frames.slice(0, resumedAt));
    const after = doneItems(frames.slice(resumedAt));
    // The crash hit the final answer: the tools' work before it stays, only the answer is redone.
    expect(before.map((item) => item.type)).toEqual([
      "reasoning",
      "function_call",
      "function_call_output",
      "reasoning",
      "function_call",
      "function_call_output",
    ]);
    expect(after.map((item) => item.type)).toEqual(["message"]);
    const body = (await (await get(`/responses/${id}`)).json()) as {
      output: JsonObject[];
      attempt_number: number;
    };
    expect(body.output).toEqual([...before, ...after]);
    expect(body.attempt_number).toBe(2);
    expect(emulator.inspect()[0]?.response.output).toEqual(body.output);
  });

  it("asks for a tool again when the worker died while it ran: a new call, then its output", async () => {
    // The first tool runs from 5 to 7.5 s after the create (1 s start-up, 2 s reasoning, 2 s writing the call).
    const { frames, resumedAt } = await crashedRun(
      "Analyze the sales data",
      {},
      { agentServer: { crash: { rate: 1, afterMs: 6_000 } } },
    );
    const before = doneItems(frames.slice(0, resumedAt));
    const after = doneItems(frames.slice(resumedAt));
    expect(before.map((item) => item.type)).toEqual(["reasoning", "function_call"]);
    expect(after.slice(0, 2).map((item) => item.type)).toEqual(["function_call", "function_call_output"]);
    expect(after[0]?.call_id).not.toBe(before[1]?.call_id);
    expect(after[1]?.call_id).toBe(after[0]?.call_id);
    expect(frames.slice(resumedAt + 1, resumedAt + 3).map((frame) => frame.type)).toEqual([
      "response.created",
      "response.output_item.added",
    ]);
  });

  it("writes nothing while no worker holds the run, for pauseMs", async () => {
    const { ask, advance, get } = agentSetup({
      agentServer: { crash: { rate: 1, afterMs: 2_000, pauseMs: 5_000 } },
    });
    const response = await ask("Write a long report", { background: true, stream: true });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    advance(1_990);
    const head = parseFrames((await nextRead(reader)) as string) as AgentFrame[];
    expect(ofType(head, "response.output_text.delta").length).toBeGreaterThan(0);
    const id = head[0]?.response_id as string;

    advance(4_990); // 6,980 ms after the create: the run is still without a worker
    expect(await readWithin(reader, 150)).toBe("nothing");
    expect(await (await get(`/responses/${id}`)).json()).toEqual({
      id,
      status: "in_progress",
      attempt_number: 1,
    });

    advance(20);
    const resumed = parseFrames((await nextRead(reader)) as string) as AgentFrame[];
    expect(resumed[0]).toMatchObject({
      type: "response.resumed",
      from_seq: head.length,
      sequence_number: head.length,
    });
    expect(await (await get(`/responses/${id}`)).json()).toEqual({
      id,
      status: "in_progress",
      attempt_number: 2,
    });
    await reader.cancel();
  });

  it("waits 10 s of scenario time by default (10 s × timeScale)", async () => {
    const { ask, advance, get } = agentSetup({
      timeScale: 0.5,
      agentServer: { crash: { rate: 1, afterMs: 1_000 } },
    });
    const { id } = (await (await ask("Write a long report", { background: true })).json()) as { id: string };
    const attempt = async () =>
      ((await (await get(`/responses/${id}`)).json()) as { attempt_number: number }).attempt_number;
    advance(5_950);
    expect(await attempt()).toBe(1);
    advance(50);
    expect(await attempt()).toBe(2);
  });

  it.each([
    [{ custom_inputs: { thread_id: "t-1", session_id: "s-1" }, context: { conversation_id: "c-1" } }, "t-1"],
    [{ custom_inputs: { session_id: "s-1" }, context: { conversation_id: "c-1" } }, "s-1"],
    [{ custom_inputs: {}, context: { conversation_id: "c-1", user_id: "u@example.com" } }, "c-1"],
  ])("rotates the conversation the create named: %j → %s::attempt-2", async (flags, base) => {
    const { frames, resumedAt } = await crashedRun("Hello, crash", flags);
    expect(frames[resumedAt]?.conversation_id).toBe(`${base}::attempt-2`);
  });

  it("resumes a background run created without stream as a stream, from row 0", async () => {
    const { ask, get, advance } = agentSetup();
    const { id } = (await (await ask("Hello, crash", { background: true })).json()) as { id: string };
    advance(180_000);
    const { frames, done } = await readStored(await get(`/responses/${id}?stream=true`));
    expect(done).toBe(true);
    expect(frames[0]).toMatchObject({ type: "response.resumed", attempt: 2, from_seq: 0 });
    expect(frames.slice(1).map((frame) => frame.type)).toContain("response.output_text.delta");
  });

  it("crashes background runs at the configured rate (repeatably for a seed), never foreground ones", async () => {
    const crashes = async (seed: number) => {
      const { ask, advance, get } = agentSetup({ seed, agentServer: { crash: { rate: 0.5 } } });
      const ids: string[] = [];
      for (let run = 0; run < 12; run++)
        ids.push(((await (await ask("Hello there", { background: true })).json()) as { id: string }).id);
      advance(180_000);
      const attempts = [];
      for (const id of ids)
        attempts.push(
          ((await (await get(`/responses/${id}`)).json()) as { attempt_number: number }).attempt_number,
        );
      return attempts.map((attempt) => attempt === 2);
    };
    const first = await crashes(11);
    expect(await crashes(11)).toEqual(first);
    expect(first).toContain(true);
    expect(first).toContain(false);

    const { ask } = agentSetup({ agentServer: { crash: { rate: 1 } } });
    const foreground = parseFrames(await (await ask("Hello, crash", { stream: true })).text());
    expect(foreground.map((frame) => (frame as JsonObject).type)).not.toContain("response.resumed");
  });
});
