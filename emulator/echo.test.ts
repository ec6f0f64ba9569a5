import { describe, expect, it } from "vitest";
import { setup } from "./test-helpers";

const history = [
  { role: "user", content: "First question" },
  {
    type: "message",
    id: "msg_previous",
    role: "assistant",
    status: "completed",
    content: [{ type: "output_text", text: "First answer", annotations: [] }],
  },
  { role: "user", content: "Look it up" },
  { type: "function_call", call_id: "call_a", name: "lookup", arguments: "{}", status: "completed" },
  { type: "function_call_output", id: "fco_dropped", call_id: "call_a", output: "42" },
  { role: "assistant", content: "It is 42." },
  { type: "mcp_approval_request", id: "mcpr_1", server_label: "web", name: "search", arguments: "{}" },
  { type: "mcp_approval_response", approval_request_id: "mcpr_1", approve: true },
  { role: "user", content: "Thanks, and now?" },
];

describe("echoed history (quirk 1 in docs/upstreams.md)", () => {
  it("starts the databricks output with copies of assistant messages, function calls and outputs", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({ model: "m", input: history, background: true });
    expect(created.output).toEqual([]); // queued output is empty

    advance(1_800);
    const running = await retrieve(created.id);
    const echo = running.output.slice(0, 4);
    expect(echo[0]).toEqual(history[1]);
    expect(echo[1]).toEqual({ ...history[3], id: expect.stringMatching(/^fc_/) });
    expect(echo[2]).toEqual({ type: "function_call_output", call_id: "call_a", output: "42" });
    expect(echo[3]).toEqual({
      type: "message",
      role: "assistant",
      content: "It is 42.",
      id: expect.stringMatching(/^msg_/),
    });
    expect(running.output[4]).toMatchObject({ type: "message", id: null, status: "in_progress" });
    expect(running.output).toHaveLength(5);

    advance(5_000);
    const done = await retrieve(created.id);
    expect(done.output.slice(0, 4)).toEqual(echo);
    expect(done.output).toHaveLength(5);
    expect(done.output[4]?.id).toMatch(/^msg_/);
    expect(new Set(done.output.map((item) => item.id)).size).toBe(5);
  });

  it("echoes approval items only when echoApprovals is on", async () => {
    const { create } = setup({ echoApprovals: true });
    const created = await create({
      model: "m",
      input: [...history.slice(0, -1), { role: "user", content: "instant" }],
      background: true,
    });
    expect(created.output.map((item) => item.type)).toEqual([
      "message",
      "function_call",
      "function_call_output",
      "message",
      "mcp_approval_request",
      "mcp_approval_response",
      "message",
    ]);
    expect(created.output[4]).toEqual(history[6]);
  });

  it("never echoes in the openai flavour", async () => {
    const { create, retrieve, advance } = setup({ flavor: "openai" });
    const created = await create({ model: "m", input: history, background: true });
    advance(10_000);
    const done = await retrieve(created.id);
    expect(done.output).toHaveLength(1);
    expect(done.output[0]).toMatchObject({ type: "message", status: "completed" });
  });
});
