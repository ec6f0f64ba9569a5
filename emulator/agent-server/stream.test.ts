import { describe, expect, it } from "vitest";
import type { JsonObject } from "../types";
import {
  type AgentFrame,
  agentSetup,
  doneItems,
  nextRead,
  ofType,
  parseFrames,
  readStored,
} from "./test-harness";

/** A background streaming run of `question`, read whole once it is over. */
async function finishedRun(question: string) {
  const harness = agentSetup();
  const response = await harness.ask(question, { background: true, stream: true });
  harness.advance(120_000);
  const { frames, done } = await readStored(response);
  const id = frames[0]?.response_id as string;
  const from = async (query: string) => readStored(await harness.get(`/responses/${id}?stream=true${query}`));
  return { ...harness, frames, done, id, from };
}

describe("databricks-agent: stream framing", () => {
  it("sends data: lines only, each with its sequence number and the run's id, then [DONE] on completion", async () => {
    const { frames, done, id } = await finishedRun("Hello there");
    expect(done).toBe(true);
    expect(frames.map((frame) => frame.sequence_number)).toEqual(frames.map((_, index) => index));
    for (const frame of frames) {
      expect(frame.response_id).toBe(id);
      // The cursor fields come last, after the agent's own event.
      expect(Object.keys(frame).slice(-2)).toEqual(["sequence_number", "response_id"]);
    }
    expect(frames.map((frame) => frame.type)).toEqual([
      "response.created",
      "response.output_item.added",
      "response.content_part.added",
      ...Array(frames.length - 6).fill("response.output_text.delta"),
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
  });

  it("ends a failed run's stream with its error frame and no [DONE]", async () => {
    const { frames, done, id } = await finishedRun("Please fail");
    expect(done).toBe(false);
    expect(frames.at(-1)).toEqual({
      type: "error",
      error: {
        message: "The agent's data source timed out (emulated failure).",
        type: "server_error",
        code: "task_failed",
      },
      sequence_number: frames.length - 1,
      response_id: id,
    });
    // The message being written when it failed is never finished, and its turn never completes.
    expect(doneItems(frames).map((item) => item.type)).toEqual(["reasoning"]);
    expect(ofType(frames, "response.completed")).toEqual([]);
  });
});

describe("databricks-agent: starting_after", () => {
  it("replays from seq 0 inclusive for 0 (or none), and strictly after N otherwise", async () => {
    const { frames, from } = await finishedRun("Hello there");
    expect((await from("")).frames).toEqual(frames);
    expect((await from("&starting_after=0")).frames).toEqual(frames);
    const tail = await from("&starting_after=5");
    expect(tail.frames).toEqual(frames.slice(6));
    expect(tail.done).toBe(true);
    const past = await from(`&starting_after=${frames.length + 3}`);
    expect(past).toEqual({ frames: [], done: true });
  });

  it("gives a reader who came early, piece by piece, the rows a late reader gets", async () => {
    const { ask, get, advance } = agentSetup();
    const response = await ask("Analyze the sales data", { background: true, stream: true });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    // Each step crosses new frames, so no read waits for a clock that does not move.
    for (const step of [1_000, 150, 2_000, 3_000, 4_000, 120_000]) {
      advance(step);
      const piece = await nextRead(reader);
      if (piece === "end") break;
      text += piece;
    }
    const early = parseFrames(text);
    const id = (early[0] as AgentFrame).response_id;
    const late = await readStored(await get(`/responses/${id}?stream=true`));
    expect(early).toEqual([...late.frames, "[DONE]"]);
  });
});

describe("databricks-agent: agent events of a multi-step run", () => {
  it("has one created/completed pair per model turn, with the tools' outputs bare between turns", async () => {
    const { frames, id } = await finishedRun("Analyze the sales data");
    const outline = frames
      .filter(
        (frame) => /^response\.(created|completed)$/.test(frame.type) || frame.type.endsWith("item.done"),
      )
      .map((frame) => (frame.type.endsWith("item.done") ? (frame.item as JsonObject).type : frame.type));
    expect(outline).toEqual([
      "response.created",
      "reasoning",
      "function_call",
      "response.completed",
      "function_call_output",
      "response.created",
      "reasoning",
      "function_call",
      "response.completed",
      "function_call_output",
      "response.created",
      "message",
      "response.completed",
    ]);

    for (const output of doneItems(frames).filter((item) => item.type === "function_call_output")) {
      const frame = frames.find((candidate) => candidate.item === output) as AgentFrame;
      expect(Object.keys(frame)).toEqual(["type", "item", "sequence_number", "response_id"]);
      expect(Object.keys(output)).toEqual(["call_id", "output", "type"]);
    }
    const calls = doneItems(frames).filter((item) => item.type === "function_call");
    const outputs = doneItems(frames).filter((item) => item.type === "function_call_output");
    expect(outputs.map((item) => item.call_id)).toEqual(calls.map((item) => item.call_id));

    // Each turn's items count output_index from 0, and its completed event lists exactly them.
    const turns = splitTurns(frames);
    expect(turns).toHaveLength(3);
    for (const turn of turns) {
      const finished = ofType(turn, "response.output_item.done");
      expect(finished.map((frame) => frame.output_index)).toEqual(finished.map((_, index) => index));
      expect(turn.at(-1)?.response).toEqual({
        id,
        object: "response",
        created_at: expect.any(Number),
        output: finished.map((frame) => frame.item),
      });
      expect(turn[0]?.response).toEqual({
        id,
        object: "response",
        created_at: expect.any(Number),
        output: [],
        status: null,
      });
    }
  });

  it("keeps one id per item from added through deltas to done, with the deltas adding up to the done text", async () => {
    const { frames } = await finishedRun("Analyze the sales data");
    for (const added of ofType(frames, "response.output_item.added")) {
      const item = added.item as JsonObject;
      const mine = frames.filter((frame) => frame.item_id === item.id);
      const done = ofType(frames, "response.output_item.done").find(
        (frame) => (frame.item as JsonObject).id === item.id,
      );
      expect(done?.output_index).toBe(added.output_index);
      expect(mine.every((frame) => frame.output_index === added.output_index)).toBe(true);
      const finished = done?.item as JsonObject;
      const deltas = mine.filter((frame) => frame.type.endsWith(".delta")).map((frame) => frame.delta);
      if (item.type === "message") {
        expect(added.item).toEqual({
          id: item.id,
          type: "message",
          role: "assistant",
          status: "in_progress",
          content: [],
        });
        expect(deltas.join("")).toBe((finished.content as Array<{ text: string }>)[0]?.text);
      }
      if (item.type === "function_call") {
        expect(added.item).toEqual({
          id: item.id,
          type: "function_call",
          call_id: finished.call_id,
          name: finished.name,
          arguments: "",
        });
        expect(deltas.join("")).toBe(finished.arguments);
      }
    }
  });
});

/** The frames of each model turn, `response.created` to `response.completed`. */
function splitTurns(frames: AgentFrame[]): AgentFrame[][] {
  const turns: AgentFrame[][] = [];
  let current: AgentFrame[] | undefined;
  for (const frame of frames) {
    if (frame.type === "response.created") current = [];
    current?.push(frame);
    if (frame.type === "response.completed" && current) {
      turns.push(current);
      current = undefined;
    }
  }
  return turns;
}
