import { describe, expect, it } from "vitest";
import { type StreamingClient, startIdempotentRun, type UpstreamStreamEvent } from "@/lib/background";
import { fakeClock } from "@/lib/background/testing";
import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import { agentBricksClient } from "./agent-bricks";
import { AgentBricksTranslator, fromStatusAnswer } from "./agent-bricks-events";
import { toBricksInput } from "./agent-bricks-input";
import { AgentBricksItems } from "./agent-bricks-items";

const user = (text: string): UpstreamItem => ({
  type: "message",
  role: "user",
  content: [{ type: "input_text", text }],
});
const frame = (t: AgentBricksTranslator, id: number, event: Record<string, unknown>) =>
  t.frame(String(id), JSON.stringify(event));
const interrupt = {
  type: "interrupt",
  id: "call_a",
  value: {
    action_requests: [
      { name: "send_message", args: { to: "ops" }, call_id: "call_a" },
      { name: "create_ticket", args: { title: "x" }, call_id: "call_b" },
    ],
  },
};

const doneItems = (events: UpstreamStreamEvent[]) =>
  events.flatMap((e) => (e.type === "response.output_item.done" ? [e.item as UpstreamItem] : []));

function responseOf(event: UpstreamStreamEvent | undefined): UpstreamResponse {
  if (!event?.response) throw new Error(`no response in ${JSON.stringify(event)}`);
  return event.response as UpstreamResponse;
}

describe("Agent Bricks input", () => {
  it("sends only the person's new message (the agent keeps the conversation), with who asks", () => {
    expect(toBricksInput([user("first"), user("second")], "ada@example.com")).toEqual({
      messages: [{ role: "user", content: "second" }],
      actor: "ada@example.com",
    });
  });

  it("sends the decisions on a pause as resume, one per action in the interrupt's order, with call ids", () => {
    const [a, b] = new AgentBricksItems("x-").fromMessage(interrupt, "7") as [UpstreamItem, UpstreamItem];
    const input = [
      user("do it"),
      b,
      a,
      { type: "mcp_approval_response", approval_request_id: b.id, approve: false, reason: "not now" },
      { type: "mcp_approval_response", approval_request_id: a.id, approve: true },
    ];
    expect(toBricksInput(input, "u")).toEqual({
      resume: {
        decisions: [
          { type: "approve", call_id: "call_a" },
          { type: "reject", call_id: "call_b", message: "not now" },
        ],
      },
    });
  });
});

describe("Agent Bricks events", () => {
  it("turns deltas, messages (OpenAI and LangChain shapes), tool steps and an interrupt into items", () => {
    const t = new AgentBricksTranslator("11111111-2222", "queued");
    const events: UpstreamStreamEvent[] = [
      ...frame(t, 3, { type: "run.started" }),
      ...frame(t, 5, {
        type: "message",
        message: { role: "assistant", content: "", tool_calls: [{ name: "lookup", args: { q: 1 } }] },
      }),
      ...frame(t, 6, { type: "message", message: { role: "tool", name: "lookup", content: "42" } }),
      ...frame(t, 8, { type: "delta", content: "The ", id: "d1" }),
      ...frame(t, 9, { type: "delta", content: [{ type: "text", text: "answer." }], id: "d1" }),
      ...frame(t, 10, { type: "message", message: { role: "assistant", content: "The answer." } }),
      ...frame(t, 11, {
        type: "message",
        message: { type: "ai", id: "lc1", content: "", tool_calls: [{ id: "tc9", name: "x", args: {} }] },
      }),
      ...frame(t, 12, {
        type: "message",
        message: { type: "tool", tool_call_id: "tc9", name: "x", content: "ok" },
      }),
      ...frame(t, 13, interrupt),
      ...frame(t, 14, { type: "run.completed" }),
    ];
    expect(events[0]).toMatchObject({
      type: "response.created",
      response: { id: "11111111-2222", status: "queued" },
    });
    const text = events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta);
    expect(text.join("")).toBe("The answer.");
    const end = events.at(-1);
    expect(end?.type).toBe("response.completed");
    const output = responseOf(end).output;
    expect(output.map((i) => i.type)).toEqual([
      "function_call",
      "function_call_output",
      "message",
      "function_call",
      "function_call_output",
      "mcp_approval_request",
      "mcp_approval_request",
    ]);
    // The OpenAI template's result has no call id: it is paired with its call by tool name.
    expect(output[1]?.call_id).toBe(output[0]?.call_id);
    expect(output[4]?.call_id).toBe("tc9");
    expect(output[5]).toMatchObject({ id: "call_a", name: "send_message", arguments: '{"to":"ops"}' });
  });

  it("drops events a re-opened stream sends again (ids are global, `after` exclusive)", () => {
    const t = new AgentBricksTranslator("inv", "active");
    const first = frame(t, 40, { type: "delta", content: "a", id: "d" });
    const again = [
      ...frame(t, 40, { type: "delta", content: "a", id: "d" }),
      ...frame(t, 47, { type: "delta", content: "b", id: "d" }),
    ];
    expect(
      [...first, ...again].filter((e) => e.type === "response.output_text.delta").map((e) => e.delta),
    ).toEqual(["a", "b"]);
    expect(t.lastSequence).toBe(47);
  });

  it("a pause takes the card of the call the agent announced before it (OpenAI: by name; LangChain: by id)", () => {
    const t = new AgentBricksTranslator("22222222-3333", "active");
    const announced = [
      ...frame(t, 1, {
        type: "message",
        message: {
          role: "assistant",
          content: "",
          tool_calls: [{ name: "send_message", args: { to: "ops" } }],
        },
      }),
      ...frame(t, 2, {
        type: "message",
        message: { type: "ai", content: "", tool_calls: [{ id: "lc_7", name: "create_ticket", args: {} }] },
      }),
    ];
    const calls = doneItems(announced);
    const paused = doneItems(frame(t, 3, interrupt));
    expect(paused.map((i) => i?.id)).toEqual(calls.map((i) => i?.call_id));
    expect(paused[1]?.id).toBe("lc_7");
    // The decisions still carry the agent's own call ids.
    expect(paused.map((i) => (i?.agent_bricks as { call_id?: string } | undefined)?.call_id)).toEqual([
      "call_a",
      "call_b",
    ]);
  });

  it("a result whose call was in an earlier run goes without a call id, its tool named, for the chat to pair", () => {
    const t = new AgentBricksTranslator("33333333-4444", "active");
    const items = doneItems(
      frame(t, 1, { type: "message", message: { role: "tool", name: "send_message", content: "sent" } }),
    );
    expect(items).toEqual([{ type: "function_call_output", name: "send_message", output: "sent" }]);
  });

  it("a second run.started (a recovery attempt) voids the text the crashed attempt was writing", () => {
    const t = new AgentBricksTranslator("inv", "active");
    frame(t, 1, { type: "run.started" });
    frame(t, 2, { type: "delta", content: "Half", id: "d" });
    const events = frame(t, 9, { type: "run.started" });
    expect(events[0]).toMatchObject({ type: "output.discarded", output_index: 0, reason: "restarted" });
  });

  it("ends a failed run with a message that says where to look", () => {
    const t = new AgentBricksTranslator("inv", "active");
    const end = frame(t, 2, { type: "run.failed" }).at(-1);
    expect(end).toMatchObject({
      type: "response.failed",
      response: { status: "failed", error: { message: expect.stringMatching(/logs/) } },
    });
  });

  it("reads a status answer: active is in progress, a paused run's output ends with its approval requests", () => {
    expect(fromStatusAnswer("inv", { id: "inv", status: "active" })).toEqual({
      id: "inv",
      status: "in_progress",
      output: [],
    });
    const paused = fromStatusAnswer("inv", {
      id: "inv",
      status: "completed",
      output: {
        output: [{ role: "assistant", content: "I need your approval." }, interrupt],
        status: "interrupted",
      },
    });
    expect(paused.output.map((i) => i.type)).toEqual([
      "message",
      "mcp_approval_request",
      "mcp_approval_request",
    ]);
    expect(
      fromStatusAnswer("inv", { status: "failed", error: { code: "X", message: "no token" } }).error?.message,
    ).toBe("no token");
  });
});

describe("the Agent Bricks client", () => {
  function server(answer: (request: Request, body: Record<string, unknown> | undefined) => Response) {
    const requests: Array<{ request: Request; body?: Record<string, unknown> }> = [];
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      const body =
        request.method === "POST" ? ((await request.clone().json()) as Record<string, unknown>) : undefined;
      requests.push({ request, ...(body ? { body } : {}) });
      return answer(request, body);
    }) as typeof globalThis.fetch;
    return { requests, fetch };
  }
  const base = async () => "https://bricks.example";
  const conversation = { id: "chat-1", userId: "ada@example.com" };
  const body = { model: "m", input: [user("hi")], background: true as const, stream: false as const };

  it("sends the session in the body, and as the header to a runtime that refuses the body field", async () => {
    const { requests, fetch } = server((_, sent) =>
      sent && "session_id" in sent
        ? Response.json(
            {
              detail: [
                {
                  type: "extra_forbidden",
                  loc: ["body", "session_id"],
                  msg: "Extra inputs are not permitted",
                },
              ],
            },
            { status: 422 },
          )
        : Response.json(
            { id: sent?.id, status: "queued", status_url: "/api/invocations/x" },
            { status: 202 },
          ),
    );
    const client = agentBricksClient({ baseUrl: base, fetch, streaming: false });
    const id = client.clientRunIds?.next() as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await client.create(body, { runId: id, conversation })).toEqual({
      id,
      status: "queued",
      output: [],
    });
    expect(requests.map((r) => r.request.url)).toEqual([
      "https://bricks.example/api/invocations",
      "https://bricks.example/api/invocations",
    ]);
    expect(requests[0]?.body).toMatchObject({ id, session_id: "chat-1", background: true });
    expect(requests[1]?.body).toEqual({
      id,
      input: { messages: [{ role: "user", content: "hi" }], actor: "ada@example.com" },
      background: true,
      stream: false,
    });
    expect(requests[1]?.request.headers.get("x-databricks-session-id")).toBe("chat-1");
    // Learnt once: the next create goes straight to the header.
    await client.create(body, { runId: client.clientRunIds?.next() as string, conversation });
    expect(requests).toHaveLength(3);
    expect(client.cancel).toBeUndefined();
  });

  it("sends a create whose answer was lost again with the same id, and gets the same run", async () => {
    let calls = 0;
    const { requests, fetch } = server((_, sent) => {
      calls += 1;
      if (calls === 1) throw new TypeError("fetch failed");
      return Response.json({ id: sent?.id, status: "active" }, { status: 202 });
    });
    const client = agentBricksClient({ baseUrl: base, fetch, streaming: false });
    const id = client.clientRunIds?.next() as string;
    const started = await startIdempotentRun(
      client,
      { model: "m", input: [user("hi")], conversation, runId: id },
      fakeClock(),
    );
    expect(started.response).toEqual({ id, status: "in_progress", output: [] });
    expect(requests.map((r) => r.body?.id)).toEqual([id, id]);
  });

  it("streams a run: the create, then its events from the first, re-opened after the last id seen", async () => {
    const { requests, fetch } = server((request, sent) => {
      if (request.method === "POST")
        return Response.json({ id: sent?.id, status: "queued" }, { status: 202 });
      const after = new URL(request.url).searchParams.get("after");
      const frames =
        after === "0"
          ? [
              `id: 4\nevent: run.started\ndata: {"type": "run.started"}\n\n`,
              `id: 6\nevent: delta\ndata: {"type": "delta", "content": "Hi", "id": "d"}\n\n`,
            ]
          : [
              `id: 9\nevent: message\ndata: {"type": "message", "message": {"role": "assistant", "content": "Hi!"}}\n\n`,
              `id: 10\nevent: run.completed\ndata: {"type": "run.completed"}\n\n`,
            ];
      return new Response(frames.join(""), { headers: { "content-type": "text/event-stream" } });
    });
    const client = agentBricksClient({ baseUrl: base, fetch, streaming: true });
    const streaming = client.streaming as StreamingClient;
    const id = client.clientRunIds?.next() as string;
    const first = await streaming.create({ ...body, stream: true }, { runId: id, conversation });
    const seen: UpstreamStreamEvent[] = [];
    for await (const event of first) seen.push(event);
    const again = await streaming.resume(id, { startingAfter: 6, previous: first });
    for await (const event of again) seen.push(event);
    expect(requests.map((r) => r.request.url.replace("https://bricks.example", ""))).toEqual([
      "/api/invocations",
      `/api/invocations/${id}/events?after=0`,
      `/api/invocations/${id}/events?after=6`,
    ]);
    expect(seen.at(-1)).toMatchObject({ type: "response.completed", response: { id } });
    const output = responseOf(seen.at(-1)).output;
    expect(output).toHaveLength(1);
    expect(output[0]).toMatchObject({ type: "message", id: "d" });
  });
});
