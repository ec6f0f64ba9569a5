// Everything the `openai` flavour sends, checked against OpenAI's published schema (emulator/openai-schema/): the
// body of every create, retrieve and cancel of every scenario, followed on a fake clock, and every event of its
// stream. A client tuned to the emulator then meets nothing the real service would not send.

import { describe, expect, it } from "vitest";
import { responseErrors, streamEventErrors } from "./openai-schema/check";
import { openaiDriver, type Sent } from "./openai-schema/drive";
import { SCENARIOS } from "./scenarios";
import type { JsonObject, ResponseObject } from "./types";

/** The tools a request offers: the app's two function tools as it sends them, and an OpenAI MCP server. */
const TOOLS: JsonObject[] = [
  {
    type: "function",
    name: "calculate",
    description: "Evaluate an arithmetic expression.",
    parameters: { type: "object", properties: { expression: { type: "string" } }, required: ["expression"] },
  },
  {
    type: "function",
    name: "get_current_time",
    description: "The current time in an IANA time zone.",
    parameters: { type: "object", properties: { timezone: { type: "string" } }, required: ["timezone"] },
  },
  {
    type: "mcp",
    server_label: "web-search",
    server_url: "https://mcp.example.com/sse",
    require_approval: "always",
  },
];

/**
 * Items no upstream sends, on purpose: the unknown-item and hostile scenarios check that a client shows an item
 * type it does not know. They are left out of the check; everything around them is checked.
 */
function isMadeUp(item: unknown): boolean {
  return String((item as JsonObject | undefined)?.type).startsWith("emulator_");
}

/** The one event outside the published union: what OpenAI sends when a streamed run is cancelled is unconfirmed. */
const CANCELLED_EVENT = "response.cancelled";

/**
 * A response as the schema is checked against it: without made-up items, and with `usage: null` read as no usage.
 * The schema has no null there, but OpenAI sends it until a run ends: the schema's own examples of
 * `response.created`, `response.in_progress` and `response.failed` show `"usage": null`.
 */
function asChecked(response: JsonObject): JsonObject {
  const { usage, output, ...rest } = response;
  return {
    ...rest,
    ...(usage === null ? {} : { usage }),
    output: Array.isArray(output) ? output.filter((item) => !isMadeUp(item)) : output,
  };
}

function bodyErrors({ json }: Sent): string[] {
  return responseErrors(asChecked(json));
}

function eventErrors({ json }: Sent): string[] {
  const event = json as JsonObject & { type: string };
  if (isMadeUp(event.item)) return [];
  const response = event.response as JsonObject | undefined;
  if (event.type === CANCELLED_EVENT)
    return response ? responseErrors(asChecked(response)) : ["/response missing"];
  return streamEventErrors(response ? { ...event, response: asChecked(response) } : event);
}

/** "label: error" for each failure, at most a few per body: one wrong field fails every branch of a union. */
function failures(sent: Sent[], check: (sent: Sent) => string[]): string[] {
  return sent.flatMap((one) =>
    check(one)
      .slice(0, 5)
      .map((error) => `${one.label}: ${error}`),
  );
}

async function checkEverything(request: JsonObject): Promise<void> {
  const driver = openaiDriver();
  const { sent } = await driver.polled(request);
  sent.push(...(await driver.cancelled(request)), ...(await driver.foreground(request)));
  const events = [...(await driver.streamed(request)), ...(await driver.streamed(request, { cancel: true }))];
  expect([...failures(sent, bodyErrors), ...failures(events, eventErrors)]).toEqual([]);
}

const ask = (question: string): JsonObject => ({
  model: "gpt-4.1",
  input: [{ role: "user", content: question }],
  tools: TOOLS,
});

/** The input of the run after the one that gave `asked`: its question, its output, then `answer`. */
function followUp(request: JsonObject, asked: ResponseObject, answer: JsonObject): JsonObject {
  return { ...request, input: [...(request.input as JsonObject[]), ...asked.output, answer] };
}

function example(name: string): string {
  const scenario = SCENARIOS.find((s) => s.name === name);
  if (!scenario) throw new Error(`No scenario '${name}'.`);
  return scenario.example;
}

/** The approval scenario's run, then the follow-up that approves its request: the run with an `mcp_call`. */
async function approvedFollowUp(): Promise<JsonObject> {
  const request = ask(example("approval"));
  const { final } = await openaiDriver().polled(request);
  const approval = final.output.find((item) => item.type === "mcp_approval_request");
  return followUp(request, final, {
    type: "mcp_approval_response",
    approval_request_id: approval?.id,
    approve: true,
  });
}

describe("the openai flavour against OpenAI's published schema", () => {
  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario.example]))(
    "%s: every body and every stream event conforms",
    async (_name, question) => {
      await checkEverything(ask(question));
    },
  );

  it("the approval follow-up (an MCP call) conforms", async () => {
    await checkEverything(await approvedFollowUp());
  });

  it("the function follow-up conforms", async () => {
    const request = ask(example("client-function"));
    const { final } = await openaiDriver().polled(request);
    const call = final.output.find((item) => item.type === "function_call");
    await checkEverything(
      followUp(request, final, { type: "function_call_output", call_id: call?.call_id, output: "395" }),
    );
  });

  it("streams the MCP and citation events the real service sends", async () => {
    const driver = openaiDriver();
    const events = [
      ...(await driver.streamed(await approvedFollowUp())),
      ...(await driver.streamed(ask(example("hostile")))),
    ];
    const types = new Set(events.map(({ json }) => json.type));
    for (const type of [
      "response.mcp_list_tools.in_progress",
      "response.mcp_list_tools.completed",
      "response.mcp_call.in_progress",
      "response.mcp_call_arguments.delta",
      "response.mcp_call_arguments.done",
      "response.mcp_call.completed",
      "response.output_text.annotation.added",
    ])
      expect(types).toContain(type);
  });
});
