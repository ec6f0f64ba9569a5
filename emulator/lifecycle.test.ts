import { describe, expect, it } from "vitest";
import { countWords } from "./input";
import { lastMessage, messageText, setup } from "./test-helpers";

const user = (text: string) => ({ role: "user", content: text });

describe("plain scenario lifecycle", () => {
  it("goes queued → in_progress → completed, with a partial item (id null) later completed with a real id", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({
      model: "my-model",
      input: "What is the capital of France?",
      background: true,
    });
    expect(created).toMatchObject({
      object: "response",
      status: "queued",
      background: true,
      model: "my-model",
      output: [],
      error: null,
      incomplete_details: null,
      usage: null,
    });
    expect(created.id).toMatch(/^resp_[0-9a-f]+$/);
    expect(created.id.length).toBeLessThanOrEqual(64);
    expect(created.created_at).toBe(Math.floor(Date.parse("2025-06-15T15:06:40Z") / 1000));

    advance(500);
    expect((await retrieve(created.id)).status).toBe("queued");

    advance(400); // 900 ms: left the queue, nothing written yet
    const started = await retrieve(created.id);
    expect(started.status).toBe("in_progress");
    expect(started.output).toEqual([]);

    advance(900); // 1800 ms: the message is being written
    const partial = await retrieve(created.id);
    expect(partial.status).toBe("in_progress");
    expect(partial.output).toHaveLength(1);
    const partialItem = partial.output[0];
    expect(partialItem).toMatchObject({
      type: "message",
      id: null,
      role: "assistant",
      status: "in_progress",
    });
    const partialText = messageText(partialItem);
    expect(partialText.length).toBeGreaterThan(0);

    advance(1_000); // 2800 ms: done
    const done = await retrieve(created.id);
    expect(done.status).toBe("completed");
    const item = done.output[0];
    expect(item).toMatchObject({ type: "message", role: "assistant", status: "completed" });
    expect(item?.id).toMatch(/^msg_[0-9a-f]+$/);
    expect(String(item?.id).length).toBeLessThanOrEqual(64);
    expect(item?.content).toEqual([{ type: "output_text", text: expect.any(String), annotations: [] }]);
    const text = messageText(item);
    expect(text.startsWith(partialText)).toBe(true);
    expect(text.length).toBeGreaterThan(partialText.length);
    expect(text).toContain('You asked: "What is the capital of France?"');
    expect(text).toMatch(/\*\*[^*]+\*\*/);
    expect(text).toMatch(/^- /m);
    expect(done.completed_at).toBe(created.created_at + 2);
    expect(done.usage).toMatchObject({ input_tokens: 6, output_tokens: countWords(text) });
    expect(done.usage?.total_tokens).toBe((done.usage?.input_tokens ?? 0) + (done.usage?.output_tokens ?? 0));

    advance(60_000);
    expect(await retrieve(created.id)).toEqual(done);
  });

  it("gives the partial item its real id at once in the openai flavour", async () => {
    const { create, retrieve, advance } = setup({ flavor: "openai" });
    const created = await create({ model: "gpt", input: "Hello there", background: true });
    advance(1_800);
    const partial = await retrieve(created.id);
    expect(partial.output[0]).toMatchObject({ type: "message", status: "in_progress" });
    expect(partial.output[0]?.id).toMatch(/^msg_/);
    advance(5_000);
    const done = await retrieve(created.id);
    expect(done.output[0]?.id).toBe(partial.output[0]?.id);
    expect(done.usage).toMatchObject({ input_tokens_details: { cached_tokens: 0 } });
  });

  it("answers deterministically, differently for different questions and turns", async () => {
    const { create, advance, retrieve } = setup();
    const turn1 = await create({ model: "m", input: [user("Tell me about cats")], background: true });
    const again = await create({ model: "m", input: [user("Tell me about cats")], background: true });
    const turn2 = await create({
      model: "m",
      input: [
        user("Tell me about cats"),
        { role: "assistant", content: "Cats are great." },
        user("And dogs?"),
      ],
      background: true,
    });
    advance(10_000);
    const [a, b, c] = await Promise.all([retrieve(turn1.id), retrieve(again.id), retrieve(turn2.id)]);
    expect(messageText(lastMessage(a))).toBe(messageText(lastMessage(b)));
    expect(messageText(lastMessage(c))).not.toBe(messageText(lastMessage(a)));
    expect(messageText(lastMessage(c))).toContain('You asked: "And dogs?"');
    expect(messageText(lastMessage(c))).toContain("turn 2");
  });

  it("echoes the request model or a default, and takes the question from input_text parts", async () => {
    const { create, advance, retrieve } = setup();
    const created = await create({
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "Parts question" }] }],
      background: true,
    });
    expect(created.model).toBe("databricks-claude-sonnet-4-5");
    advance(10_000);
    expect(messageText(lastMessage(await retrieve(created.id)))).toContain('You asked: "Parts question"');
  });

  it("shortens the whole timeline with timeScale", async () => {
    const { create, retrieve, advance } = setup({ timeScale: 0.05 });
    const created = await create({ model: "m", input: "Quick one", background: true });
    advance(60); // 1200 scenario ms
    expect((await retrieve(created.id)).status).toBe("in_progress");
    advance(90); // 3000 scenario ms
    expect((await retrieve(created.id)).status).toBe("completed");
  });

  it("returns the final response at once for a non-background create, and keeps it retrievable", async () => {
    const { create, retrieve } = setup();
    const created = await create({ model: "m", input: "Not in the background" });
    expect(created.status).toBe("completed");
    expect(created.background).toBe(false);
    expect(messageText(lastMessage(created))).toContain("Not in the background");
    expect(await retrieve(created.id)).toEqual(created);
  });
});

describe("instant scenario", () => {
  it("answers already completed on create (quirk 3 in docs/upstreams.md)", async () => {
    const { create } = setup();
    const created = await create({ model: "m", input: "Give me an instant answer", background: true });
    expect(created.status).toBe("completed");
    expect(created.completed_at).toBe(created.created_at);
    expect(lastMessage(created)).toMatchObject({ status: "completed", id: expect.stringMatching(/^msg_/) });
    expect(messageText(lastMessage(created))).toContain("Instant answer");
  });
});

describe("fail scenario", () => {
  it("ends failed with the error and keeps the partial output", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({ model: "m", input: "Please fail this run", background: true });
    advance(1_000);
    expect((await retrieve(created.id)).status).toBe("in_progress");
    advance(1_500);
    const running = await retrieve(created.id);
    expect(running.output.map((item) => item.type)).toEqual(["reasoning", "message"]);
    advance(500);
    const failed = await retrieve(created.id);
    expect(failed.status).toBe("failed");
    expect(failed.error).toEqual({
      code: "server_error",
      message: "The agent's data source timed out (emulated failure).",
    });
    expect(failed.usage).toBeNull();
    expect(failed.completed_at).toBeUndefined();
    expect(failed.output[0]).toMatchObject({
      type: "reasoning",
      status: "completed",
      id: expect.stringMatching(/^rs_/),
    });
    const cut = failed.output[1];
    expect(cut).toMatchObject({ type: "message", status: "incomplete", id: expect.stringMatching(/^msg_/) });
    expect(messageText(cut).length).toBeGreaterThan(messageText(running.output[1]).length);
    advance(10_000);
    expect(await retrieve(created.id)).toEqual(failed);
  });
});

describe("incomplete scenario", () => {
  it("ends incomplete with the reason and a cut-off message", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({ model: "m", input: "Show me an incomplete answer", background: true });
    advance(5_000);
    const done = await retrieve(created.id);
    expect(done.status).toBe("incomplete");
    expect(done.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(done.output).toHaveLength(1);
    expect(done.output[0]).toMatchObject({
      type: "message",
      status: "incomplete",
      id: expect.stringMatching(/^msg_/),
    });
    expect(done.usage).not.toBeNull();
  });
});

describe("long scenario", () => {
  it("writes a ~6,000-word markdown report that grows while in progress", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({ model: "m", input: "Write a long report on sales", background: true });
    advance(2_000);
    const early = messageText((await retrieve(created.id)).output[0]);
    advance(2_000);
    const later = messageText((await retrieve(created.id)).output[0]);
    expect(later.length).toBeGreaterThan(early.length);
    expect(later.startsWith(early)).toBe(true);
    advance(2_000);
    const done = await retrieve(created.id);
    expect(done.status).toBe("completed");
    const text = messageText(done.output[0]);
    expect(countWords(text)).toBeGreaterThanOrEqual(5_500);
    expect(countWords(text)).toBeLessThan(6_500);
    expect(text.match(/^## /gm)?.length).toBeGreaterThanOrEqual(5);
    expect(text.split("\n\n").length).toBeGreaterThan(20);
  });
});
