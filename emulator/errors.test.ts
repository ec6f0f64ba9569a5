import { APIError } from "openai";
import { describe, expect, it } from "vitest";
import type { EmulatorOptions } from "./index";
import { setup } from "./test-helpers";

async function apiError(promise: Promise<unknown>): Promise<APIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

const call = { type: "function_call", call_id: "call_1", name: "lookup", arguments: "{}" };
const output = { type: "function_call_output", call_id: "call_1", output: "ok" };
const question = { role: "user", content: "Hi" };

describe("not found and retention", () => {
  it("answers 404 for an unknown id, in each flavour's envelope", async () => {
    const databricks = await apiError(setup().retrieve("resp_nope"));
    expect(databricks.status).toBe(404);
    expect(databricks.error).toMatchObject({
      error_code: "NOT_FOUND",
      message: expect.stringContaining("resp_nope"),
    });

    const openai = await apiError(setup({ flavor: "openai" }).retrieve("resp_nope"));
    expect(openai.status).toBe(404);
    expect(openai.error).toEqual({
      message: expect.stringContaining("resp_nope"),
      type: "invalid_request_error",
      param: null,
      code: "not_found",
    });
  });

  it("forgets responses after the retention period (openai default: 10 minutes)", async () => {
    const { create, retrieve, advance } = setup({ flavor: "openai" });
    const created = await create({ model: "m", input: "Hi", background: true });
    advance(599_999);
    expect((await retrieve(created.id)).status).toBe("completed");
    advance(1);
    expect((await apiError(retrieve(created.id))).status).toBe(404);
  });

  it("keeps databricks responses unless retentionMs is set", async () => {
    const forever = setup();
    const kept = await forever.create({ model: "m", input: "Hi", background: true });
    forever.advance(24 * 3_600_000);
    expect((await forever.retrieve(kept.id)).status).toBe("completed");

    const short = setup({ retentionMs: 5_000 });
    const gone = await short.create({ model: "m", input: "Hi", background: true });
    short.advance(5_000);
    expect((await apiError(short.retrieve(gone.id))).status).toBe(404);
    expect((await apiError(short.cancel(gone.id))).status).toBe(404);
  });
});

describe("400s on create", () => {
  it("refuses stream with background in the Databricks flavour, and stream without background in both", async () => {
    const databricks = await apiError(
      setup().create({ model: "m", input: "Hi", background: true, stream: true }),
    );
    expect(databricks.status).toBe(400);
    expect(databricks.error).toMatchObject({ error_code: "BAD_REQUEST" });
    expect(databricks.message).toMatch(/'stream' and 'background' cannot both be true/);

    for (const flavor of ["databricks", "openai"] as const) {
      const foreground = await apiError(setup({ flavor }).create({ model: "m", input: "Hi", stream: true }));
      expect(foreground.status).toBe(400);
      expect(foreground.message).toMatch(/only emulated for background responses/);
      if (flavor === "openai") expect(foreground.param).toBe("stream");
    }
  });

  it("refuses a missing or empty input and an invalid JSON body", async () => {
    const { create, emulator } = setup();
    for (const input of [undefined, "", "   ", []]) {
      const error = await apiError(create({ model: "m", input, background: true }));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/'input'/);
    }
    const response = await emulator.fetch("http://emulator.local/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(await response.json()).toEqual({
      error_code: "BAD_REQUEST",
      message: "The request body is not valid JSON.",
    });
  });

  const databricksCases: Array<[string, Record<string, unknown>, RegExp]> = [
    [
      "temperature with tools",
      { temperature: 0.2, tools: [{ type: "genie_space", genie_space: { id: "g1", description: "sales" } }] },
      /'temperature' cannot be combined with 'tools'/,
    ],
    [
      "top_p with tools",
      { top_p: 0.9, tools: [{ type: "function", name: "ok_name" }] },
      /'top_p' cannot be combined/,
    ],
    [
      "a bad function name",
      { tools: [{ type: "function", name: "bad name!" }] },
      /invalid function name "bad name!"/,
    ],
    [
      "a function name over 64 chars",
      { tools: [{ type: "function", name: "a".repeat(65) }] },
      /invalid function name/,
    ],
    [
      "an id over 64 chars",
      { input: [{ ...question, type: "message", id: `msg_${"x".repeat(61)}` }] },
      /at most 64/,
    ],
    [
      "a call_id over 64 chars",
      { input: [question, { ...call, call_id: "c".repeat(65) }, { ...output, call_id: "c".repeat(65) }] },
      /call_id is 65 characters/,
    ],
    ["an orphaned function_call_output", { input: [question, output] }, /no function_call with that call_id/],
    ["an orphaned function_call", { input: [question, call] }, /no function_call_output after it/],
    ["an output before its call", { input: [question, output, call] }, /no function_call with that call_id/],
  ];

  for (const [name, patch, message] of databricksCases) {
    it(`refuses ${name} (databricks)`, async () => {
      const error = await apiError(setup().create({ model: "m", input: "Hi", background: true, ...patch }));
      expect(error.status).toBe(400);
      expect(error.error).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE" });
      expect(error.message).toMatch(message);
    });
  }

  it("accepts a complete call/output pair and leaves databricks-only rules out of the openai flavour", async () => {
    const ok = await setup().create({ model: "m", input: [question, call, output], background: true });
    expect(ok.status).toBe("queued");
    const openai = await setup({ flavor: "openai" }).create({
      model: "m",
      input: "Hi",
      background: true,
      temperature: 0.2,
      tools: [{ type: "function", name: "bad name!" }],
    });
    expect(openai.status).toBe("queued");
  });
});

describe("auth and routing", () => {
  const withToken: EmulatorOptions = { token: "s3cret" };

  it("answers 401 to a wrong or missing token, and never echoes it", async () => {
    const { emulator } = setup(withToken);
    const wrong = await emulator.fetch("http://emulator.local/v1/responses/resp_x", {
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
    const body = await wrong.text();
    expect(body).toContain("UNAUTHENTICATED");
    expect(body).not.toContain("nope");
    expect(body).not.toContain("s3cret");
    const missing = await emulator.fetch("http://emulator.local/v1/responses/resp_x");
    expect(missing.status).toBe(401);
  });

  it("accepts the right token through the SDK and refuses a wrong one", async () => {
    const good = setup(withToken); // the helper sends the token as the API key
    expect((await good.create({ model: "m", input: "Hi", background: true })).status).toBe("queued");
    const { client } = setup({ ...withToken, flavor: "openai" });
    const bad = await apiError(client.withOptions({ apiKey: "wrong" }).responses.retrieve("resp_x"));
    expect(bad.status).toBe(401);
    expect(bad.code).toBe("invalid_api_key");
  });

  it("routes on the path suffix, with 404 for unknown paths and 405 for wrong methods", async () => {
    const { emulator } = setup();
    const created = await emulator.fetch("http://127.0.0.1:8787/ai-gateway/mlflow/v1/responses", {
      method: "POST",
      body: JSON.stringify({ model: "m", input: "Hi", background: true }),
    });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    expect((await emulator.fetch(`http://x/responses/${id}/`)).status).toBe(200);
    expect(
      (await emulator.fetch("http://x/v1/chat/completions", { method: "POST", body: "{}" })).status,
    ).toBe(404);
    const wrongMethod = await emulator.fetch(`http://x/v1/responses/${id}`, { method: "DELETE" });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("content-type")).toBe("application/json");
    expect((await emulator.fetch("http://x/v1/responses")).status).toBe(405);
    expect((await emulator.fetch(`http://x/v1/responses/${id}/cancel`)).status).toBe(405);
  });
});
