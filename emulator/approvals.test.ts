import { APIError } from "openai";
import { describe, expect, it } from "vitest";
import { lastMessage, messageText, setup } from "./test-helpers";
import type { EmulatorOptions, JsonObject } from "./types";

const QUESTION = "Search the web for lakehouse news";
const user = (text: string) => ({ role: "user", content: text });

/** A first turn run to its end, and the input a follow-up would send: history + the response's output. */
async function firstTurn(question: string, options: EmulatorOptions = {}) {
  const emulator = setup(options);
  const created = await emulator.create({ model: "m", input: [user(question)], background: true });
  emulator.advance(10_000);
  const done = await emulator.retrieve(created.id);
  const requests = done.output.filter((item) => item.type === "mcp_approval_request");
  const history: JsonObject[] = [user(question), ...done.output];
  return { ...emulator, created, done, requests, history };
}

const decide = (request: JsonObject | undefined, approve: boolean, reason?: string): JsonObject => ({
  type: "mcp_approval_response",
  approval_request_id: request?.id,
  approve,
  ...(reason ? { reason } : {}),
});

describe("approval scenario", () => {
  it("goes queued → in_progress (partial message) → completed with mcp_list_tools and an mcp_approval_request", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({ model: "m", input: QUESTION, background: true });
    expect(created.status).toBe("queued");
    advance(2_000); // 1.2 s into the run: the tool list is out, the message is being written
    const running = await retrieve(created.id);
    expect(running.status).toBe("in_progress");
    expect(running.output.map((item) => item.type)).toEqual(["mcp_list_tools", "message"]);
    expect(running.output[1]).toMatchObject({ id: null, status: "in_progress" });

    advance(1_200); // 3.2 s: done
    const done = await retrieve(created.id);
    expect(done.status).toBe("completed");
    const [tools, message, request] = done.output;
    expect(done.output).toHaveLength(3);
    expect(tools).toMatchObject({
      type: "mcp_list_tools",
      server_label: "web-search",
      tools: [{ name: "search_web", description: expect.any(String), input_schema: { type: "object" } }],
    });
    expect(tools?.id).toMatch(/^mcpl_/);
    expect(messageText(message)).toBe('I need your approval to search the web for "lakehouse news".');
    expect(request).toEqual({
      type: "mcp_approval_request",
      id: expect.stringMatching(/^mcpr_[0-9a-f]+$/),
      server_label: "web-search",
      name: "search_web",
      arguments: JSON.stringify({ query: "lakehouse news" }),
    });
    for (const item of done.output) expect(String(item.id).length).toBeLessThanOrEqual(64);
    // The same ids on every read.
    expect(await retrieve(created.id)).toEqual(done);
  });

  it("approve → an mcp_call with its output, then a message reporting the result", async () => {
    const { create, retrieve, advance, requests, history } = await firstTurn(QUESTION);
    const followUp = await create({
      model: "m",
      input: [...history, decide(requests[0], true)],
      background: true,
    });
    advance(1_500); // 0.9 s into the run: the tool is running
    const running = await retrieve(followUp.id);
    expect(running.output.at(-1)).toMatchObject({
      type: "mcp_call",
      id: null,
      status: "calling",
      approval_request_id: requests[0]?.id,
    });
    expect(running.output.at(-1)).not.toHaveProperty("output");

    advance(1_500); // 3 s: done
    const done = await retrieve(followUp.id);
    expect(done.status).toBe("completed");
    // Databricks echoes the assistant message of the history; approval items only behind echoApprovals.
    expect(done.output.map((item) => item.type)).toEqual(["message", "mcp_call", "message"]);
    const call = done.output[1];
    expect(call).toEqual({
      type: "mcp_call",
      id: expect.stringMatching(/^mcp_[0-9a-f]+$/),
      server_label: "web-search",
      name: "search_web",
      arguments: JSON.stringify({ query: "lakehouse news" }),
      output: expect.stringContaining('Top 3 results for "lakehouse news"'),
      error: null,
      status: "completed",
      approval_request_id: requests[0]?.id,
    });
    const text = messageText(lastMessage(done));
    expect(text).toContain("I ran `search_web` on `web-search`: it found three pages");
    expect(text).toContain("*Lakehouse news: what changed this quarter*");
    // The results are in the call's card: the answer does not print them again.
    expect(text).not.toContain("https://news.example.com/lakehouse-news");
    expect(text).not.toContain("did not run");
  });

  it("deny → no mcp_call, and the message says plainly it did not run, with the reason", async () => {
    const { create, retrieve, advance, requests, history } = await firstTurn(QUESTION, { flavor: "openai" });
    const followUp = await create({
      model: "m",
      input: [...history, decide(requests[0], false, "Not on company time")],
      background: true,
    });
    advance(3_000);
    const done = await retrieve(followUp.id);
    expect(done.status).toBe("completed");
    expect(done.output.map((item) => item.type)).toEqual(["message"]);
    expect(messageText(done.output[0])).toBe(
      'I did not run `search_web` on `web-search` because you denied it. Your reason: "Not on company time".\n\n' +
        "Nothing was run. Tell me how you would like to go on.",
    );
  });
});

describe("two-approvals scenario", () => {
  it("holds only two approval requests, and a mixed decision runs one tool and reports the other as denied", async () => {
    const { create, retrieve, advance, done, requests, history } = await firstTurn(
      "Create a ticket and email the team about the outage",
    );
    expect(done.status).toBe("completed");
    expect(done.output).toEqual(requests);
    expect(requests.map((r) => [r.server_label, r.name])).toEqual([
      ["jira", "create_ticket"],
      ["mail", "send_email"],
    ]);
    expect(JSON.parse(String(requests[0]?.arguments))).toMatchObject({
      project: "OPS",
      title: "Outage",
      priority: "high",
    });
    expect(JSON.parse(String(requests[1]?.arguments))).toMatchObject({
      to: "team@example.com",
      subject: "Update: the outage",
    });
    expect(requests[0]?.id).not.toBe(requests[1]?.id);

    const followUp = await create({
      model: "m",
      input: [...history, decide(requests[0], true), decide(requests[1], false)],
      background: true,
    });
    advance(4_000);
    const after = await retrieve(followUp.id);
    expect(after.status).toBe("completed");
    expect(after.output.map((item) => item.type)).toEqual(["mcp_call", "message"]);
    expect(after.output[0]).toMatchObject({
      name: "create_ticket",
      server_label: "jira",
      approval_request_id: requests[0]?.id,
      output: expect.stringMatching(/^Created ticket OPS-\d{4}: "Outage" \(priority high\)\.$/),
    });
    const text = messageText(after.output[1]);
    expect(text).toMatch(/I ran `create_ticket` on `jira`\. Created ticket OPS-\d{4}: "Outage"/);
    expect(text).toContain("I did not run `send_email` on `mail` because you denied it.");
    expect(text).not.toContain("Your reason");
  });
});

describe("approval follow-up input", () => {
  async function status(promise: Promise<unknown>): Promise<APIError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
    return error;
  }

  it("answers 400 when an approval response's request is not in the input, in both flavours", async () => {
    const input = [user(QUESTION), decide({ id: "mcpr_missing" }, true)];
    const databricks = await status(setup().create({ model: "m", input, background: true }));
    expect(databricks.status).toBe(400);
    expect(databricks.error).toMatchObject({
      error_code: "INVALID_PARAMETER_VALUE",
      message: expect.stringContaining(
        'approval_request_id "mcpr_missing" does not match any mcp_approval_request in the input',
      ),
    });
    const openai = await status(setup({ flavor: "openai" }).create({ model: "m", input, background: true }));
    expect(openai.status).toBe(400);
    expect(openai.error).toMatchObject({ param: "input[1].approval_request_id" });
  });

  it("allows a request without a response, and ignores decisions from earlier turns", async () => {
    const { create, retrieve, advance, requests, history } = await firstTurn(QUESTION);
    const pending = await create({
      model: "m",
      input: [...history, user("Never mind, hello")],
      background: true,
    });
    const decided = await create({
      model: "m",
      input: [...history, decide(requests[0], true), user("Thanks, and hello")],
      background: true,
    });
    advance(5_000);
    for (const id of [pending.id, decided.id]) {
      const done = await retrieve(id);
      expect(done.output.some((item) => item.type === "mcp_call")).toBe(false);
      expect(messageText(lastMessage(done))).toContain("You asked:");
    }
  });

  it("echoes the approval items in a databricks follow-up only with echoApprovals", async () => {
    const { create, retrieve, advance, requests, history } = await firstTurn(QUESTION, {
      echoApprovals: true,
    });
    const response = decide(requests[0], true);
    const followUp = await create({ model: "m", input: [...history, response], background: true });
    advance(800); // the run has started: the echo is there, nothing new yet
    const running = await retrieve(followUp.id);
    expect(running.output).toEqual([history[2], requests[0], response]);
    advance(3_000);
    const done = await retrieve(followUp.id);
    expect(done.output.map((item) => item.type)).toEqual([
      "message",
      "mcp_approval_request",
      "mcp_approval_response",
      "mcp_call",
      "message",
    ]);
    const ids = done.output.flatMap((item) => (item.id ? [item.id] : []));
    expect(ids).toHaveLength(4); // the echoed response has no id
    expect(new Set(ids).size).toBe(4);
  });
});
