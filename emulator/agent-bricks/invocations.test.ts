import { describe, expect, it } from "vitest";
import { FAULTS_HEADER } from "../faults";
import { invocationDetails } from "./store";
import { bricks, newId, SESSION, turn } from "./test-helpers";

// The plain scenario: queued 0.8 s, then 2 s of work; the multi-step one: queued 1 s, then 19.5 s.
const PLAIN_END_MS = 2_800;

describe("agent-bricks: creating invocations", () => {
  it("background: 202 with the current status and relative URLs; events_url only when stream is asked for", async () => {
    const { post, advance } = bricks();
    const id = newId();
    const body = { id, input: turn("Hello"), background: true };
    const first = await post(body);
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ id, status: "queued", status_url: `/api/invocations/${id}` });

    advance(1_000);
    const again = await post({ ...body, stream: true });
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({
      id,
      status: "active",
      status_url: `/api/invocations/${id}`,
      events_url: `/api/invocations/${id}/events`,
    });
    advance(PLAIN_END_MS);
    expect(await (await post(body)).json()).toMatchObject({ status: "completed" });
  });

  it("foreground: 200 with the adapter's output at once; a failed run is a 500 with FastAPI's detail", async () => {
    const { post } = bricks();
    const id = newId();
    const answer = await post({ id, input: turn("Hello") });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { output: { output: Array<{ role: string; content: string }> } };
    expect(body).toMatchObject({ id, status: "completed", output: { status: "completed" } });
    expect(body.output.output).toEqual([
      { role: "assistant", content: expect.stringContaining('You asked: "Hello"') },
    ]);

    const failed = await post({ id: newId(), input: turn("Make this fail") });
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ detail: "agent invocation failed" });
  });

  it("a string input is accepted but the template agent fails the run", async () => {
    const { post, emulator } = bricks();
    const answer = await post({ id: newId(), input: "Hello" });
    expect(answer.status).toBe(500);
    const [view] = emulator.inspect();
    expect(view?.response.status).toBe("failed");
    expect(view && invocationDetails(view)?.failureReason).toBe("input must be a message list or an object");
  });
});

describe("agent-bricks: the id is the idempotency key", () => {
  it("the same id, input and session find the same invocation in every mode, and nothing runs again", async () => {
    const { post, advance, emulator, events } = bricks();
    const id = newId();
    const input = { messages: [{ role: "user", content: "Hello" }], actor: "ana" };
    await post({ id, input, background: true });
    advance(500);
    // Key order does not matter (Python compares dicts), nor do the transport flags.
    const reordered = { actor: "ana", messages: [{ content: "Hello", role: "user" }] };
    expect((await post({ id, input: reordered, background: true })).status).toBe(202);
    advance(PLAIN_END_MS);
    const sync = await post({ id, input });
    expect(sync.status).toBe(200);
    expect(await sync.json()).toMatchObject({ id, status: "completed" });
    const replay = await post({ id, input, stream: true });
    expect(replay.headers.get("content-type")).toMatch(/^text\/event-stream/);

    expect(emulator.inspect()).toHaveLength(1);
    const started = (await events(id)).frames.filter((frame) => frame.event === "run.started");
    expect(started).toHaveLength(1);
    expect(await replay.text()).toBe((await events(id)).text);
  });

  it("the same id with another input or another session is a 409", async () => {
    const { post, emulator } = bricks();
    const id = newId();
    await post({ id, input: turn("Hello"), background: true });
    const otherInput = await post({ id, input: turn("Hello!"), background: true });
    expect(otherInput.status).toBe(409);
    expect(await otherInput.json()).toEqual({ detail: "id was already used for another request" });
    const otherSession = await post(
      { id, input: turn("Hello"), background: true },
      { "x-databricks-session-id": "another-chat" },
    );
    expect(otherSession.status).toBe(409);
    expect(emulator.inspect()).toHaveLength(1);
  });

  it("a lost create answer: the run was accepted, and a retry with the same id finds it", async () => {
    const { post, emulator, advance, status } = bricks({ agentBricks: { loseCreateAnswers: 1 } });
    const id = newId();
    const body = { id, input: turn("Hello"), background: true };
    await expect(post(body)).rejects.toThrow("fetch failed");
    expect(emulator.inspect().map((view) => view.response.id)).toEqual([id]);

    advance(1_000);
    const retry = await post(body);
    expect(retry.status).toBe(202);
    expect(await retry.json()).toMatchObject({ id, status: "active" });
    expect(emulator.inspect()).toHaveLength(1);
    expect(emulator.faultStats().injected).toEqual({ "create:lost-answer": 1 });
    advance(PLAIN_END_MS);
    expect((await status(id)).body.status).toBe("completed");
  });

  it("a create hit by an injected fault creates nothing", async () => {
    const { emulator } = bricks();
    const id = newId();
    for (const kind of ["503", "429", "malformed"]) {
      const response = await emulator.fetch("http://agent.local/api/invocations", {
        method: "POST",
        headers: { "x-databricks-session-id": SESSION, [FAULTS_HEADER]: `create:${kind}=1` },
        body: JSON.stringify({ id, input: turn("Hello"), background: true }),
      });
      expect(response.status).not.toBe(409);
    }
    expect(emulator.inspect()).toEqual([]);
    expect(emulator.faultStats().requests.create).toBe(3);
  });
});

describe("agent-bricks: sessions run their turns one after another", () => {
  it("a second turn stays queued until the first ends; another session's turn runs meanwhile", async () => {
    const { start, advance, status } = bricks();
    const first = await start(turn("Hello"));
    const second = await start(turn("Hello again"));
    const elsewhere = await start(turn("Hello from elsewhere"), { session: "another-chat" });
    expect(second.status).toBe("queued");

    advance(1_000);
    expect((await status(first.id)).body.status).toBe("active");
    expect((await status(second.id)).body.status).toBe("queued");
    expect((await status(elsewhere.id)).body.status).toBe("active");

    advance(PLAIN_END_MS - 1_000 - 1);
    expect((await status(second.id)).body.status).toBe("queued");
    advance(1);
    expect((await status(first.id)).body.status).toBe("completed");
    expect((await status(second.id)).body.status).toBe("active");
  });
});

describe("agent-bricks: GET /api/invocations/{id}", () => {
  it("answers id and status only while queued or active, the output once completed, an error string once failed", async () => {
    const { start, advance, status } = bricks();
    const ok = await start(turn("Hello"));
    const failing = await start(turn("Make this fail"), { session: "another-chat" });
    expect(await status(ok.id)).toEqual({ code: 200, body: { id: ok.id, status: "queued" } });
    advance(1_000);
    expect((await status(ok.id)).body).toEqual({ id: ok.id, status: "active" });

    advance(5_000);
    const done = (await status(ok.id)).body;
    expect(Object.keys(done)).toEqual(["id", "status", "output"]);
    expect(done).toMatchObject({
      status: "completed",
      output: { status: "completed", output: [{ role: "assistant", content: expect.any(String) }] },
    });
    expect((await status(failing.id)).body).toEqual({
      id: failing.id,
      status: "failed",
      error: "agent invocation failed",
    });
  });
});
