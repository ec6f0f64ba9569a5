import { describe, expect, it } from "vitest";
import type { JsonObject } from "../types";
import { agentSetup, doneItems, ofType, readStored } from "./test-harness";

describe("databricks-agent: GET …/responses/{id} as JSON", () => {
  it("shows no output at all while the run is in progress, then every finished item in stream order", async () => {
    const { ask, get, advance, emulator } = agentSetup();
    const response = await ask("Analyze the sales data", { background: true, stream: true });
    advance(10_000); // reasoning, a tool call and its output are finished by now
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await reader.cancel();
    const id = emulator.inspect()[0]?.response.id as string;
    expect(emulator.inspect()[0]?.response.output.length).toBeGreaterThan(2);
    expect(await (await get(`/responses/${id}`)).json()).toEqual({
      id,
      status: "in_progress",
      attempt_number: 1,
    });

    advance(60_000);
    const { frames } = await readStored(await get(`/responses/${id}?stream=true`));
    const finished = await (await get(`/responses/${id}`)).json();
    expect(finished).toEqual({ id, status: "completed", output: doneItems(frames), attempt_number: 1 });
    expect(emulator.inspect()[0]?.response).toMatchObject({
      id,
      status: "completed",
      output: doneItems(frames),
    });
  });

  it("answers a failed run with its error and no output", async () => {
    const { ask, get, advance, emulator } = agentSetup();
    const { id } = (await (await ask("Please fail", { background: true })).json()) as { id: string };
    advance(60_000);
    const error = {
      message: "The agent's data source timed out (emulated failure).",
      type: "server_error",
      code: "task_failed",
    };
    expect(await (await get(`/responses/${id}`)).json()).toEqual({
      id,
      status: "failed",
      error,
      attempt_number: 1,
    });
    expect(emulator.inspect()[0]?.response).toMatchObject({
      status: "failed",
      error: { code: "task_failed" },
    });
  });

  it("completes the incomplete scenario: LongRunningAgentServer knows no other statuses", async () => {
    const { ask, get, advance } = agentSetup();
    const { id } = (await (await ask("Give me a truncated answer", { background: true })).json()) as {
      id: string;
    };
    advance(60_000);
    const body = (await (await get(`/responses/${id}`)).json()) as { status: string; output: JsonObject[] };
    expect(body.status).toBe("completed");
    expect(body.output.map((item) => item.type)).toEqual(["message"]);
  });

  it("a background create without stream persists its finished items only, all at the end", async () => {
    const { ask, get, advance } = agentSetup();
    const { id } = (await (await ask("Analyze the sales data", { background: true })).json()) as {
      id: string;
    };
    advance(10_000);
    const early = (await get(`/responses/${id}?stream=true`)).body?.getReader();
    const pending = early?.read();
    advance(60_000);
    const { frames, done } = await readStored(await get(`/responses/${id}?stream=true`));
    expect(done).toBe(true);
    // No turns, no deltas: one output_item.done per item, in output order.
    expect(frames.map((frame) => frame.type)).toEqual(Array(7).fill("response.output_item.done"));
    expect(frames.every((frame) => !("output_index" in frame))).toBe(true);
    expect(ofType(frames, "response.output_item.done")[2]?.item).toEqual({
      call_id: expect.stringMatching(/^call_/),
      output: expect.any(String),
      type: "function_call_output",
    });
    // The reader who came early was waiting on an empty stream; it gets the same rows.
    const chunk = await pending;
    expect(new TextDecoder().decode(chunk?.value)).toContain('"sequence_number":0');
    await early?.cancel();
  });
});
