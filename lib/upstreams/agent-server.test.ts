import { describe, expect, it } from "vitest";
import type { UpstreamEventStream, UpstreamStreamEvent } from "@/lib/background";
import type { UpstreamResponse } from "@/lib/shared/upstream";
import { agentServerClient } from "./agent-server";
import { AgentServerTranslator } from "./agent-server-events";

const frame = (seq: number | undefined, event: Record<string, unknown>) =>
  JSON.stringify({ ...event, ...(seq === undefined ? {} : { sequence_number: seq, response_id: "resp_1" }) });
const delta = (seq: number, itemId: string, text: string) =>
  frame(seq, {
    type: "response.output_text.delta",
    item_id: itemId,
    output_index: 0,
    content_index: 0,
    delta: text,
  });
const done = (seq: number, item: Record<string, unknown>) =>
  frame(seq, { type: "response.output_item.done", item });
const msg = (id: string, text: string) => ({
  id,
  type: "message",
  role: "assistant",
  status: "completed",
  content: [{ type: "output_text", text, annotations: [] }],
});

function translate(t: AgentServerTranslator, frames: string[]) {
  return frames.flatMap((f) => t.frame(f));
}
const types = (events: UpstreamStreamEvent[]) => events.map((e) => e.type);

describe("LongRunningAgentServer events", () => {
  it("names the run from the first frame, takes text as it is written and ends only at [DONE]", () => {
    const t = new AgentServerTranslator(undefined, () => "fg");
    const events = translate(t, [
      frame(0, { type: "response.created", response: { id: "resp_1", output: [] } }),
      delta(1, "a", "Hi"),
      done(2, msg("a", "Hi")),
      // One per model turn: not the end of the run.
      frame(3, { type: "response.completed", response: { id: "resp_1", output: [msg("x", "Hi")] } }),
      done(4, { type: "function_call_output", call_id: "c1", output: "42" }),
    ]);
    expect(events[0]).toMatchObject({
      type: "response.created",
      response: { id: "resp_1", status: "in_progress" },
    });
    expect(types(events)).not.toContain("response.completed");
    const end = t.frame("[DONE]");
    expect(end).toEqual([
      expect.objectContaining({
        type: "response.completed",
        response: expect.objectContaining({ status: "completed" }),
      }),
    ]);
    expect(responseOf(end[0]).output).toHaveLength(2);
  });

  it("drops what a re-opened stream sends again, seq 0 included (starting_after=0 replays it)", () => {
    const t = new AgentServerTranslator("resp_1", () => "fg");
    const first = translate(t, [delta(0, "a", "Hel")]);
    const again = translate(t, [delta(0, "a", "Hel"), delta(1, "a", "lo")]);
    const text = [...first, ...again]
      .filter((e) => e.type === "response.output_text.delta")
      .map((e) => e.delta);
    expect(text.join("")).toBe("Hello");
    expect(t.lastSequence).toBe(1);
  });

  it("ends a failed run at its error frame, typed or not", () => {
    for (const error of [
      frame(5, { type: "error", error: { message: "boom", type: "server_error", code: "task_failed" } }),
      JSON.stringify({ error: { message: "Stream retrieve timed out", code: "stream_timeout" } }),
      JSON.stringify({ error: "503: upstream down" }),
    ]) {
      const t = new AgentServerTranslator("resp_1", () => "fg");
      const end = t.frame(error).at(-1);
      expect(end).toMatchObject({ type: "response.failed", response: { status: "failed" } });
      expect(responseOf(end).error?.message).toMatch(/boom|timed out|upstream down/);
    }
  });

  it("on response.resumed voids the unfinished text and moves the conversation", () => {
    const t = new AgentServerTranslator("resp_1", () => "fg");
    translate(t, [done(0, msg("a", "Step one done.")), delta(1, "b", "Half")]);
    const events = t.frame(
      frame(2, { type: "response.resumed", attempt: 2, from_seq: 2, conversation_id: "chat-1::attempt-2" }),
    );
    expect(events).toEqual([
      expect.objectContaining({ type: "output.discarded", output_index: 1, reason: "restarted" }),
      expect.objectContaining({ type: "conversation.moved", conversation_id: "chat-1::attempt-2" }),
    ]);
    const rewritten = translate(t, [
      delta(3, "c", "Whole answer."),
      done(4, msg("c", "Whole answer.")),
      "[DONE]",
    ]);
    const output = responseOf(rewritten.at(-1)).output;
    expect(output.map((i) => i.id)).toEqual(["a", "c"]);
  });

  it("follows a server without a database: frames without ids, a run that cannot be resumed", () => {
    const t = new AgentServerTranslator(undefined, () => "foreground_x");
    const [created] = t.frame(
      JSON.stringify({ type: "response.output_text.delta", item_id: "a", delta: "Hi" }),
    );
    expect(created).toMatchObject({ type: "response.created", response: { id: "foreground_x" } });
    expect(t.resumable).toBe(false);
  });
});

describe("the LongRunningAgentServer client", () => {
  function server(answer: (request: Request) => Response | Promise<Response>) {
    const requests: Request[] = [];
    const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      requests.push(request.clone());
      return answer(request);
    }) as typeof globalThis.fetch;
    return { requests, fetch };
  }
  const sse = (...frames: string[]) =>
    new Response(frames.map((f) => `data: ${f}\n\n`).join(""), {
      headers: { "content-type": "text/event-stream" },
    });
  const base = async () => "https://agent.example";
  const conversation = { id: "chat-1", userId: "ada@example.com" };

  it("creates with background and the conversation, nothing the agent does not take, and never cancels", async () => {
    const { requests, fetch } = server(() =>
      Response.json({ id: "resp_1", object: "response", status: "in_progress", output: [] }),
    );
    const client = agentServerClient({ baseUrl: base, fetch, streaming: false });
    const created = await client.create(
      {
        model: "m",
        input: [{ type: "message", role: "user", content: "hi" }],
        background: true,
        stream: false,
        tools: [{}],
      },
      { conversation },
    );
    expect(created).toEqual({ id: "resp_1", status: "in_progress", output: [] });
    expect(requests[0]?.url).toBe("https://agent.example/responses");
    expect(await requests[0]?.json()).toEqual({
      input: [{ type: "message", role: "user", content: "hi" }],
      background: true,
      context: { conversation_id: "chat-1", user_id: "ada@example.com" },
    });
    expect(client.cancel).toBeUndefined();
    expect(client.agentRunsTools).toBe(true);
  });

  it("takes a create answered in the foreground (no database upstream) as a finished run", async () => {
    const { fetch } = server(() =>
      Response.json({ object: "response", output: [msg("a", "Done.")], custom_outputs: {} }),
    );
    const client = agentServerClient({ baseUrl: base, fetch, streaming: false });
    const created = await client.create({ model: "m", input: [], background: true, stream: false });
    expect(created.status).toBe("completed");
    expect(created.output).toHaveLength(1);
    await expect(client.retrieve(created.id)).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/no database/),
    });
  });

  it("reads a retrieve: nothing while running, the output once completed, the error once failed; 501 says why", async () => {
    const answers = [
      Response.json({ id: "resp_1", status: "in_progress", attempt_number: 1 }),
      Response.json({ id: "resp_1", status: "completed", output: [msg("a", "x")], attempt_number: 2 }),
      Response.json({ id: "resp_1", status: "failed", error: { message: "boom", code: "task_failed" } }),
      Response.json({ detail: "Response retrieval requires a database configuration." }, { status: 501 }),
    ];
    const { fetch } = server(() => answers.shift() as Response);
    const client = agentServerClient({ baseUrl: base, fetch, streaming: false });
    expect(await client.retrieve("resp_1")).toEqual({ id: "resp_1", status: "in_progress", output: [] });
    expect((await client.retrieve("resp_1")).output).toHaveLength(1);
    expect(await client.retrieve("resp_1")).toMatchObject({ status: "failed", error: { message: "boom" } });
    await expect(client.retrieve("resp_1")).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/Lakebase/),
    });
  });

  it("streams a create and resumes after a cut from the last sequence number, with the same translator", async () => {
    const { requests, fetch } = server((request) =>
      request.method === "POST"
        ? sse(delta(0, "a", "Hel"), delta(1, "a", "lo"))
        : sse(delta(1, "a", "lo"), done(2, msg("a", "Hello")), "[DONE]"),
    );
    const client = agentServerClient({ baseUrl: base, fetch, streaming: true });
    const streaming = client.streaming;
    if (!streaming) throw new Error("no streaming");
    const first = await streaming.create(
      { model: "m", input: [], background: true, stream: true },
      { conversation },
    );
    const seen = await readAll(first);
    expect(await requests[0]?.json()).toMatchObject({ background: true, stream: true });
    const again = await streaming.resume("resp_1", { startingAfter: 1, previous: first });
    seen.push(...(await readAll(again)));
    expect(requests[1]?.url).toBe("https://agent.example/responses/resp_1?stream=true&starting_after=1");
    const text = seen.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta);
    expect(text.join("")).toBe("Hello");
    expect(seen.at(-1)).toMatchObject({ type: "response.completed" });
  });

  it("replays a run from its start when there is no stream to continue (starting_after=0)", async () => {
    const { requests, fetch } = server(() => sse(delta(0, "a", "x")));
    const client = agentServerClient({ baseUrl: base, fetch, streaming: true });
    await readAll(await (client.streaming?.resume("resp_9", {}) as Promise<UpstreamEventStream>));
    expect(requests[0]?.url).toBe("https://agent.example/responses/resp_9?stream=true&starting_after=0");
  });
});

function responseOf(event: UpstreamStreamEvent | undefined): UpstreamResponse {
  if (!event?.response) throw new Error(`no response in ${JSON.stringify(event)}`);
  return event.response as UpstreamResponse;
}

async function readAll(stream: UpstreamEventStream): Promise<UpstreamStreamEvent[]> {
  const events: UpstreamStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}
