import { describe, expect, it } from "vitest";
import { START_MS } from "../test-helpers";
import type { JsonObject } from "../types";
import { agentSetup, doneItems, parseFrames, readStored, userSays } from "./test-harness";

describe("databricks-agent: POST …/responses answers", () => {
  it("background: in_progress JSON at once, never queued, even for a run already over by then", async () => {
    const { ask, emulator } = agentSetup();
    for (const question of ["Hello there", "An instant answer, please."]) {
      const response = await ask(question, { background: true, model: "ignored", tools: [] });
      expect(response.status).toBe(200);
      const body = (await response.json()) as JsonObject;
      expect(body).toEqual({
        id: expect.stringMatching(/^resp_[0-9a-f]{24}$/),
        object: "response",
        created_at: START_MS / 1000,
        status: "in_progress",
        error: null,
        incomplete_details: null,
        output: [],
        metadata: {},
      });
    }
    // The instant run is already over in the store, yet its create said in_progress like any other.
    expect(emulator.inspect().map((view) => view.response.status)).toEqual(["in_progress", "completed"]);
  });

  it("background + stream: the answer is the run's own stream, the same as GET ?stream=true&starting_after=0", async () => {
    const { ask, get, advance } = agentSetup();
    const response = await ask("Hello there", { background: true, stream: true });
    advance(60_000);
    const created = await readStored(response);
    expect(created.done).toBe(true);
    const id = created.frames[0]?.response_id;
    expect(id).toMatch(/^resp_[0-9a-f]{24}$/);
    expect(created.frames[0]).toMatchObject({ type: "response.created", sequence_number: 0 });
    expect(await readStored(await get(`/responses/${id}?stream=true&starting_after=0`))).toEqual(created);
  });

  it("/invocations is the same endpoint", async () => {
    const { post, get, advance } = agentSetup();
    const response = await post("/invocations", { input: userSays("Hello there"), background: true });
    const { id } = (await response.json()) as { id: string };
    advance(60_000);
    expect(await (await get(`/responses/${id}`)).json()).toMatchObject({ id, status: "completed" });
  });

  it("foreground: the finished output without id or status; a failing run is a 500 with its message; nothing is stored", async () => {
    const { ask, emulator } = agentSetup();
    const answer = await ask("Hello there");
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { output: JsonObject[] } & JsonObject;
    expect(Object.keys(body).sort()).toEqual(["custom_outputs", "object", "output"]);
    expect(body).toMatchObject({ object: "response", custom_outputs: {} });
    expect(body.output).toEqual([
      {
        id: expect.stringMatching(/^msg_/),
        type: "message",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: expect.stringContaining("Hello there"), annotations: [] }],
      },
    ]);

    const failed = await ask("Make this request fail, please.");
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ detail: "The agent's data source timed out (emulated failure)." });
    expect(emulator.inspect()).toEqual([]);
  });

  it("foreground stream: the agent's events without sequence numbers or response id, then [DONE]", async () => {
    const { ask } = agentSetup();
    const response = await ask("Analyze the sales data", { stream: true });
    const frames = parseFrames(await response.text());
    expect(frames.at(-1)).toBe("[DONE]");
    const events = frames.slice(0, -1) as JsonObject[];
    for (const event of events) {
      expect(event).not.toHaveProperty("sequence_number");
      expect(event).not.toHaveProperty("response_id");
    }
    expect(events[0]).toEqual({
      type: "response.created",
      response: {
        id: "__fake_id__",
        object: "response",
        created_at: START_MS / 1000,
        output: [],
        status: null,
      },
    });
    expect(events.at(-1)?.type).toBe("response.completed");
    expect(doneItems(events).map((item) => item.type)).toEqual([
      "reasoning",
      "function_call",
      "function_call_output",
      "reasoning",
      "function_call",
      "function_call_output",
      "message",
    ]);
  });

  it("foreground stream of a failing run: its events so far, then {error} and still [DONE]", async () => {
    const { ask } = agentSetup();
    const frames = parseFrames(await (await ask("Please fail", { stream: true })).text());
    expect(frames.slice(-2)).toEqual([
      { error: "The agent's data source timed out (emulated failure)." },
      "[DONE]",
    ]);
    expect(frames.slice(0, -2).map((frame) => (frame as JsonObject).type)).not.toContain(
      "response.completed",
    );
  });

  it("ignores the request's tools: the app's own functions are never called", async () => {
    const { ask } = agentSetup();
    const tools = [{ type: "function", name: "calculate", parameters: { type: "object", properties: {} } }];
    const body = (await (await ask("Please calculate 17 * 23 + 4", { tools })).json()) as {
      output: JsonObject[];
    };
    expect(body.output.map((item) => item.type)).toEqual(["message"]);
    expect(JSON.stringify(body.output)).toContain("not available");
  });
});

describe("databricks-agent without Lakebase", () => {
  it("ignores background (foreground answers, nothing stored) and answers GET with 501", async () => {
    const { ask, get, emulator } = agentSetup({ agentServer: { lakebase: false } });
    const json = (await (await ask("Hello there", { background: true })).json()) as JsonObject;
    expect(json).not.toHaveProperty("id");
    expect(json).not.toHaveProperty("status");
    expect(json.object).toBe("response");

    const frames = parseFrames(await (await ask("Hello there", { background: true, stream: true })).text());
    expect(frames.at(-1)).toBe("[DONE]");
    expect(frames[0]).not.toHaveProperty("sequence_number");
    expect(frames[0]).not.toHaveProperty("response_id");

    expect(emulator.inspect()).toEqual([]);
    for (const path of ["/responses/resp_0123", "/responses/resp_0123?stream=true"]) {
      const retrieved = await get(path);
      expect(retrieved.status).toBe(501);
      expect(await retrieved.json()).toEqual({
        detail: "Response retrieval requires a database configuration.",
      });
    }
  });
});
