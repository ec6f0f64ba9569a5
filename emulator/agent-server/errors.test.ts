import { describe, expect, it } from "vitest";
import { agentSetup, userSays } from "./test-harness";

const detailOf = async (response: Response) => ((await response.json()) as { detail: unknown }).detail;

describe("databricks-agent: refused creates", () => {
  it("answers invalid JSON with FastAPI's 400", async () => {
    const { post, emulator } = agentSetup();
    const response = await post("/responses", "{not json");
    expect(response.status).toBe(400);
    expect(await detailOf(response)).toMatch(/^Invalid JSON in request body: /);
    expect(emulator.inspect()).toEqual([]);
  });

  it.each([
    ["a string input", { input: "Hello" }, /\ninput\n {2}Input should be a valid list/],
    ["no input", { messages: userSays("Hello") }, /\ninput\n {2}Field required/],
    ["an unknown item type", { input: [{ type: "mcp_call", name: "x" }] }, /\ninput\.0\n/],
    ["an unknown role", { input: [{ role: "tool", content: "x" }] }, /\ninput\.0\.role\n/],
    [
      "an approval response without its decision",
      { input: [{ type: "mcp_approval_response", approval_request_id: "mcpr_1" }] },
      /\ninput\.0\.approve\n {2}Field required/,
    ],
    ["a context that is not an object", { input: userSays("Hi"), context: "chat-1" }, /\ncontext\n/],
  ])("answers %s with the validator's 400, storing nothing", async (_name, body, where) => {
    const { post, emulator } = agentSetup();
    const response = await post("/responses", { ...body, background: true });
    expect(response.status).toBe(400);
    const detail = await detailOf(response);
    expect(detail).toMatch(
      /^Invalid parameters for ResponsesAgent: Invalid data for ResponsesAgentRequest: /,
    );
    expect(detail).toMatch(where);
    expect(emulator.inspect()).toEqual([]);
  });

  it("accepts every item kind a conversation carries, and unknown top-level fields", async () => {
    const { post } = agentSetup();
    const response = await post("/responses", {
      model: "agent",
      instructions: "Be brief.",
      previous_response_id: "resp_old",
      tools: [{ type: "function", name: "f", parameters: {} }],
      input: [
        { role: "system", content: "You help." },
        { type: "message", role: "user", content: [{ type: "input_text", text: "Earlier question" }] },
        { type: "reasoning", id: "rs_1", summary: [{ type: "summary_text", text: "thinking" }] },
        { type: "function_call", call_id: "call_1", name: "f", arguments: "{}" },
        { type: "function_call_output", call_id: "call_1", output: "42" },
        { role: "assistant", content: "An earlier answer." },
        { role: "user", content: "Hello again" },
      ],
    });
    expect(response.status).toBe(200);
  });
});

describe("databricks-agent: routes", () => {
  it("answers other methods with 405 and other paths with 404, FastAPI style", async () => {
    const { emulator } = agentSetup();
    const call = (method: string, path: string) =>
      emulator.fetch(`http://agent-app.local${path}`, { method });
    for (const [method, path] of [
      ["GET", "/responses"],
      ["DELETE", "/responses/resp_1"],
      ["GET", "/responses/resp_1/cancel"],
      ["PUT", "/invocations"],
    ] as const) {
      const response = await call(method, path);
      expect(response.status).toBe(405);
      expect(await response.json()).toEqual({ detail: "Method Not Allowed" });
    }
    const missing = await call("GET", "/v1/chat/completions");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ detail: "Not Found" });
  });

  it("answers cancel with 501 and the run goes on to complete", async () => {
    const { ask, post, get, advance, emulator } = agentSetup();
    const { id } = (await (await ask("Hello there", { background: true })).json()) as { id: string };
    advance(1_500);
    const cancel = await post(`/responses/${id}/cancel`, {});
    expect(cancel.status).toBe(501);
    expect(await cancel.json()).toEqual({ detail: "Cancellation is not yet implemented." });
    advance(60_000);
    expect(await (await get(`/responses/${id}`)).json()).toMatchObject({ status: "completed" });
    expect(emulator.faultStats().requests.cancel).toBe(1);
  });
});

describe("databricks-agent: GET …/responses/{id} refusals", () => {
  it("answers an unknown id with 404, streamed or not", async () => {
    const { get } = agentSetup();
    for (const path of ["/responses/resp_unknown", "/responses/resp_unknown?stream=true"]) {
      const response = await get(path);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ detail: "Response not found" });
    }
  });

  it("refuses starting_after without stream=true (400) unless it is 0", async () => {
    const { ask, get } = agentSetup();
    const { id } = (await (await ask("Hello there", { background: true })).json()) as { id: string };
    const refused = await get(`/responses/${id}?starting_after=3`);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ detail: "starting_after is only supported when stream=true." });
    expect((await get(`/responses/${id}?starting_after=0`)).status).toBe(200);
    expect((await get(`/responses/${id}?stream=false&starting_after=2`)).status).toBe(400);
  });

  it("answers a negative or non-integer starting_after, or a stream that is no boolean, with FastAPI's 422", async () => {
    const { get } = agentSetup();
    const negative = await get("/responses/resp_any?stream=true&starting_after=-1");
    expect(negative.status).toBe(422);
    expect(await negative.json()).toEqual({
      detail: [
        {
          type: "greater_than_equal",
          loc: ["query", "starting_after"],
          msg: "Input should be greater than or equal to 0",
          input: "-1",
          ctx: { ge: 0 },
        },
      ],
    });
    const fraction = await get("/responses/resp_any?stream=true&starting_after=1.5");
    expect(fraction.status).toBe(422);
    expect(await fraction.json()).toMatchObject({
      detail: [{ type: "int_parsing", loc: ["query", "starting_after"], input: "1.5" }],
    });
    const both = await get("/responses/resp_any?stream=maybe&starting_after=x");
    expect(both.status).toBe(422);
    const problems = ((await both.json()) as { detail: Array<{ loc: string[] }> }).detail;
    expect(problems.map((problem) => problem.loc[1])).toEqual(["stream", "starting_after"]);
  });
});
