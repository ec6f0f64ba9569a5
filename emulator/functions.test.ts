import { APIError } from "openai";
import { describe, expect, it } from "vitest";
import { lastMessage, messageText, setup } from "./test-helpers";
import type { EmulatorOptions, JsonObject } from "./types";

const CALCULATE = {
  type: "function",
  name: "calculate",
  description: "Evaluate an arithmetic expression.",
  parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] },
};
const TIME = {
  type: "function",
  name: "get_current_time",
  description: "The current time in an IANA time zone.",
  parameters: { type: "object", properties: { timezone: { type: "string" } }, required: ["timezone"] },
};
const user = (text: string) => ({ role: "user", content: text });

async function run(question: string, tools: JsonObject[], options: EmulatorOptions = {}) {
  const emulator = setup(options);
  const created = await emulator.create({ model: "m", input: [user(question)], tools, background: true });
  emulator.advance(5_000);
  return { ...emulator, created, done: await emulator.retrieve(created.id) };
}

describe("client-function scenario", () => {
  it("ends completed with a function_call and no output when the tool is offered", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({
      model: "m",
      input: "Please calculate 17 * 23 + 4",
      tools: [CALCULATE],
      background: true,
    });
    advance(1_600); // 0.4 s into the call: its arguments are streaming in
    const running = await retrieve(created.id);
    expect(running.output[0]).toMatchObject({ type: "function_call", id: null, status: "in_progress" });
    advance(400);
    const done = await retrieve(created.id);
    expect(done.status).toBe("completed");
    expect(done.output).toEqual([
      {
        type: "function_call",
        id: expect.stringMatching(/^fc_/),
        call_id: expect.stringMatching(/^call_/),
        name: "calculate",
        arguments: JSON.stringify({ expression: "17 * 23 + 4" }),
        status: "completed",
      },
    ]);
  });

  it.each([
    ["What time is it in Tokyo?", "Asia/Tokyo"],
    ["what time is it in new york", "America/New_York"],
    ["What time is it now?", "UTC"],
  ])("guesses the time zone: %j → %s", async (question, timezone) => {
    const { done } = await run(question, [CALCULATE, TIME], { flavor: "openai" });
    expect(done.output).toHaveLength(1);
    expect(done.output[0]).toMatchObject({
      name: "get_current_time",
      arguments: JSON.stringify({ timezone }),
    });
  });

  it("answers in plain words when the needed tool is not offered", async () => {
    const { done } = await run("Please calculate 17 * 23 + 4", [TIME]);
    expect(done.status).toBe("completed");
    expect(done.output.map((item) => item.type)).toEqual(["message"]);
    expect(messageText(done.output[0])).toContain("the `calculate` tool is not available to the agent");

    const untooled = await run("What time is it in Paris?", []);
    expect(messageText(untooled.done.output[0])).toContain(
      "the `get_current_time` tool is not available to the agent",
    );
  });

  it("follows up on the function_call_output, quoting it verbatim (databricks: with the pair echoed)", async () => {
    const { create, retrieve, advance, done } = await run("Please calculate 17 * 23 + 4", [CALCULATE]);
    const call = done.output[0] as JsonObject;
    const output = { type: "function_call_output", call_id: call.call_id, output: "395" };
    const followUp = await create({
      model: "m",
      input: [user("Please calculate 17 * 23 + 4"), call, output],
      tools: [CALCULATE],
      background: true,
    });
    advance(1_000);
    expect((await retrieve(followUp.id)).status).toBe("in_progress");
    advance(1_000);
    const after = await retrieve(followUp.id);
    expect(after.status).toBe("completed");
    expect(after.output.slice(0, 2)).toEqual([call, output]);
    expect(after.output).toHaveLength(3);
    expect(messageText(lastMessage(after))).toBe("17 * 23 + 4 = 395.");
  });

  it("says when the time tool answered, and when a tool failed", async () => {
    const time = await run("What time is it in Tokyo?", [TIME], { flavor: "openai" });
    const timeCall = time.done.output[0] as JsonObject;
    const timeFollowUp = await time.create({
      model: "m",
      input: [
        user("What time is it in Tokyo?"),
        timeCall,
        { type: "function_call_output", call_id: timeCall.call_id, output: "14:05 (Friday)" },
      ],
      background: true,
    });
    time.advance(2_000);
    const timeDone = await time.retrieve(timeFollowUp.id);
    expect(timeDone.output.map((item) => item.type)).toEqual(["message"]);
    expect(messageText(timeDone.output[0])).toBe("It is 14:05 (Friday) in Asia/Tokyo.");

    const calc = await run("Compute 1 / 0", [CALCULATE]);
    const calcCall = calc.done.output[0] as JsonObject;
    const failed = await calc.create({
      model: "m",
      input: [
        user("Compute 1 / 0"),
        calcCall,
        { type: "function_call_output", call_id: calcCall.call_id, output: "Error: division by zero" },
      ],
      background: true,
    });
    calc.advance(2_000);
    expect(messageText(lastMessage(await calc.retrieve(failed.id)))).toBe(
      'The `calculate` tool failed: "Error: division by zero".',
    );
  });

  it("still refuses an orphaned function call in the databricks flavour", async () => {
    const { create, done } = await run("Please calculate 17 * 23 + 4", [CALCULATE]);
    const error = await create({
      model: "m",
      input: [user("Please calculate 17 * 23 + 4"), done.output[0]],
      tools: [CALCULATE],
      background: true,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
  });
});

describe("unknown-item scenario", () => {
  it("completes with an item of a type no client knows, then a short message", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({ model: "m", input: "Show me an unknown hologram item", background: true });
    advance(2_000);
    const running = await retrieve(created.id);
    expect(running.output.map((item) => item.type)).toEqual(["emulator_hologram", "message"]);
    expect(running.output[1]).toMatchObject({ id: null, status: "in_progress" });
    advance(1_000);
    const done = await retrieve(created.id);
    expect(done.status).toBe("completed");
    expect(done.output[0]).toEqual({
      type: "emulator_hologram",
      id: expect.stringMatching(/^holo_/),
      status: "completed",
      payload: { shape: "cube", spin: 3 },
    });
    expect(messageText(done.output[1])).toContain("`emulator_hologram`, which no client knows");
  });
});
