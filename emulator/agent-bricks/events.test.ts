import { describe, expect, it } from "vitest";
import { analyseSales, salesTable, trendsSummary } from "../genie";
import { SCENARIOS } from "../scenarios";
import { bricks, messagesOf, parseFrames, shape, turn } from "./test-helpers";

const decoder = new TextDecoder();

describe("agent-bricks: GET /api/invocations/{id}/events", () => {
  it("frames are exactly id/event/data lines, data in Python's json.dumps style, nothing else on the wire", async () => {
    const { start, advance, events } = bricks();
    const { id } = await start(turn("Ça va? Un café ☕"));
    advance(10_000);
    const { response, text, frames } = await events(id);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(text.startsWith('id: 1\nevent: run.started\ndata: {"type": "run.started"}\n\n')).toBe(true);
    expect(text.endsWith('event: run.completed\ndata: {"type": "run.completed"}\n\n')).toBe(true);
    // No comments, keep-alives, retry hints or end marker: every line is one of the three.
    for (const line of text.split("\n")) expect(line).toMatch(/^(id: \d+|event: [a-z.]+|data: \{.*\}|)$/);
    expect(text).not.toContain("[DONE]");

    const delta = frames.find((frame) => frame.event === "delta");
    expect(delta?.raw).toMatch(
      /^id: \d+\nevent: delta\ndata: \{"type": "delta", "content": ".+", "id": "msg_[0-9a-f]+"\}$/,
    );
    // ensure_ascii: non-ASCII text is escaped, as Python writes it.
    expect(text).toContain("\\u00c7a va? Un caf\\u00e9 \\u2615");
    expect(text).not.toMatch(/[^\x20-\x7e\n]/);
    const answer = messagesOf(frames).at(-1);
    expect(answer?.content).toContain("Ça va? Un café ☕");
  });

  it("`after` is exclusive; after the last event the body is empty", async () => {
    const { start, advance, events } = bricks();
    const { id } = await start(turn("Hello"));
    advance(10_000);
    const all = (await events(id)).frames;
    const middle = all[3]?.id as number;
    const rest = (await events(id, middle)).frames;
    expect(rest.map((frame) => frame.id)).toEqual(all.slice(4).map((frame) => frame.id));
    const last = all.at(-1)?.id as number;
    const past = await events(id, last);
    expect(past.response.status).toBe(200);
    expect(past.text).toBe("");
  });

  it("ids count across all invocations: two interleaved runs share one sequence, each with gaps", async () => {
    const { start, advance, events } = bricks();
    const a = await start(turn("Hello"));
    const b = await start(turn("Write a long report on our quarterly sales"), { session: "another-chat" });
    advance(60_000);
    const idsA = (await events(a.id)).frames.map((frame) => frame.id);
    const idsB = (await events(b.id)).frames.map((frame) => frame.id);
    const increasing = (ids: number[]) =>
      ids.every((id, index) => index === 0 || id > (ids[index - 1] as number));
    expect(increasing(idsA) && increasing(idsB)).toBe(true);
    const all = [...idsA, ...idsB].sort((x, y) => x - y);
    expect(all).toEqual(all.map((_, index) => index + 1));
    // Interleaved: each run's ids skip the other's.
    expect((idsA.at(-1) as number) - (idsA[0] as number) + 1).toBeGreaterThan(idsA.length);
    expect((idsB.at(-1) as number) - (idsB[0] as number) + 1).toBeGreaterThan(idsB.length);
  });

  it("a live stream follows the run and closes right after run.completed", async () => {
    const { start, advance, emulator } = bricks();
    const { id } = await start(turn("Hello"));
    advance(1_000);
    const response = await emulator.fetch(`http://agent.local/api/invocations/${id}/events`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(parseFrames(decoder.decode(first.value)).map((frame) => frame.event)).toEqual(["run.started"]);
    expect(emulator.openStreams()).toBe(1);

    advance(5_000);
    let text = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      text += decoder.decode(chunk.value);
    expect(parseFrames(text).at(-1)?.event).toBe("run.completed");
    expect(emulator.openStreams()).toBe(0);
  });

  it("a failing run's stream ends with run.failed (no detail), after the deltas of the message it died in", async () => {
    const { start, advance, events } = bricks();
    const { id } = await start(turn("Make this fail"));
    advance(10_000);
    const { frames } = await events(id);
    expect(shape(frames)).toEqual(["run.started", "message:reasoning", "delta*", "run.failed"]);
    expect(frames.at(-1)?.raw.endsWith('data: {"type": "run.failed"}')).toBe(true);
  });

  it("a multi-step run: reasoning, each tool call and its result, then the answer written as deltas", async () => {
    const question = "Analyze Q2 sales by region with the Genie space";
    const { start, advance, events } = bricks();
    const { id } = await start(turn(question));
    advance(30_000);
    const { frames } = await events(id);
    expect(shape(frames)).toEqual([
      "run.started",
      "message:reasoning",
      "message:tool_calls",
      "message:tool",
      "message:reasoning",
      "message:tool_calls",
      "message:tool",
      "delta*",
      "message:text",
      "run.completed",
    ]);
    const messages = messagesOf(frames);
    const sales = analyseSales(question);
    expect(messages[1]).toEqual({
      role: "assistant",
      content: "",
      tool_calls: [{ name: "query_sales_genie", args: { question } }],
    });
    expect(messages[2]).toEqual({ role: "tool", name: "query_sales_genie", content: salesTable(sales) });
    expect(messages[4]?.tool_calls).toEqual([
      { name: "summarize_trends", args: { metric: "growth_pct", rows: sales.rows.length } },
    ]);
    expect(messages[5]).toEqual({ role: "tool", name: "summarize_trends", content: trendsSummary(sales) });
    expect(messages[0]?.content).toEqual([
      { type: "reasoning", summary: [{ type: "summary_text", text: expect.stringContaining(question) }] },
    ]);
    // The deltas add up to the answer and all name the same item.
    const deltas = frames.filter((frame) => frame.event === "delta");
    expect(deltas.map((frame) => frame.data.content).join("")).toBe(messages.at(-1)?.content);
    expect(new Set(deltas.map((frame) => frame.data.id)).size).toBe(1);
  });

  it("a foreground stream (stream without background) replays the same frames as /events", async () => {
    const { post, advance, events } = bricks();
    const input = turn("Hello");
    const id = "6f9619ff-8b86-d011-b42d-00c04fc964ff";
    const streamed = await post({ id, input, stream: true });
    expect(streamed.status).toBe(200);
    advance(10_000);
    const text = await streamed.text();
    expect(parseFrames(text).at(-1)?.event).toBe("run.completed");
    expect(text).toBe((await events(id)).text);
  });

  it("every scenario's stream parses frame by frame and ends with the terminal event its status says", async () => {
    const { start, advance, events, status } = bricks();
    const ids: string[] = [];
    for (const [index, scenario] of SCENARIOS.entries()) {
      ids.push((await start(turn(scenario.example), { session: `chat-${index}` })).id);
    }
    advance(120_000);
    for (const id of ids) {
      const { frames } = await events(id);
      const { body } = await status(id);
      expect(frames[0]?.event).toBe("run.started");
      expect(frames.at(-1)?.event).toBe(body.status === "failed" ? "run.failed" : "run.completed");
      for (const frame of frames) expect(frame.data.type).toBe(frame.event);
    }
  });
});
