import { describe, expect, it } from "vitest";
import { invocationDetails } from "./store";
import { APP, bricks, newId, SESSION, turn } from "./test-helpers";
import { BAD_SESSION_HEADER } from "./validate";

describe("agent-bricks: what POST /api/invocations refuses (422) and accepts", () => {
  it("a non-UUID id is FastAPI's uuid_parsing error at body.id, and nothing is accepted", async () => {
    const { post, emulator } = bricks();
    const response = await post({ id: "not-a-uuid", input: turn("Hello") });
    expect(response.status).toBe(422);
    const { detail } = (await response.json()) as { detail: Array<Record<string, unknown>> };
    expect(detail).toHaveLength(1);
    expect(detail[0]).toMatchObject({ type: "uuid_parsing", loc: ["body", "id"], input: "not-a-uuid" });
    expect(detail[0]?.msg).toMatch(/^Input should be a valid UUID, /);
    expect(emulator.inspect()).toEqual([]);
  });

  it("any other top-level field is extra_forbidden (session_id and resume included, under the header contract)", async () => {
    const { post, emulator } = bricks();
    const response = await post({
      id: newId(),
      input: turn("Hello"),
      session_id: SESSION,
      resume: { decisions: [] },
    });
    expect(response.status).toBe(422);
    expect(await response.json()).toEqual({
      detail: [
        {
          type: "extra_forbidden",
          loc: ["body", "session_id"],
          msg: "Extra inputs are not permitted",
          input: SESSION,
        },
        {
          type: "extra_forbidden",
          loc: ["body", "resume"],
          msg: "Extra inputs are not permitted",
          input: { decisions: [] },
        },
      ],
    });
    expect(emulator.inspect()).toEqual([]);
  });

  it("a missing session header is a missing-field error at header.X-Databricks-Session-Id, listed before body errors", async () => {
    const { post } = bricks();
    const alone = await post({ id: newId(), input: turn("Hello") }, {});
    expect(alone.status).toBe(422);
    expect(await alone.json()).toEqual({
      detail: [
        { type: "missing", loc: ["header", "X-Databricks-Session-Id"], msg: "Field required", input: null },
      ],
    });

    const both = await post({ id: newId(), input: [], extra: 1 }, {});
    const { detail } = (await both.json()) as { detail: Array<{ loc: unknown[] }> };
    expect(detail.map((error) => error.loc)).toEqual([
      ["header", "X-Databricks-Session-Id"],
      ["body", "extra"],
    ]);
  });

  it("a blank, repeated or control-character session header gets the runtime's own sentence", async () => {
    const { emulator } = bricks();
    const send = (headers: Headers) =>
      emulator.fetch(`${APP}/api/invocations`, {
        method: "POST",
        headers,
        body: JSON.stringify({ id: newId(), input: turn("Hello") }),
      });
    const repeated = new Headers();
    repeated.append("X-Databricks-Session-Id", "one");
    repeated.append("X-Databricks-Session-Id", "two");
    for (const headers of [
      new Headers({ "X-Databricks-Session-Id": "" }),
      new Headers({ "X-Databricks-Session-Id": "   " }),
      new Headers({ "X-Databricks-Session-Id": "tab\there" }),
      repeated,
    ]) {
      const response = await send(headers);
      expect(response.status).toBe(422);
      expect(await response.json()).toEqual({ detail: BAD_SESSION_HEADER });
    }
    expect(BAD_SESSION_HEADER).toBe(
      "Exactly one nonblank X-Databricks-Session-Id header without surrounding whitespace or control characters is required",
    );
    expect(emulator.inspect()).toEqual([]);
  });

  it("an id in another UUID form is accepted and answered in canonical form; input defaults to []", async () => {
    const { post } = bricks();
    const response = await post({ id: "{6F9619FF-8B86-D011-B42D-00C04FC964FF}", background: true });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ id: "6f9619ff-8b86-d011-b42d-00c04fc964ff" });
  });

  it("GET routes need no session header; a non-UUID path id or a non-integer `after` is a 422, an unknown id a 404", async () => {
    const { emulator, start } = bricks();
    const { id } = await start(turn("Hello"));
    expect((await emulator.fetch(`${APP}/api/invocations/${id}`)).status).toBe(200);

    const badId = await emulator.fetch(`${APP}/api/invocations/nope`);
    expect(badId.status).toBe(422);
    expect(await badId.json()).toMatchObject({
      detail: [{ type: "uuid_parsing", loc: ["path", "invocation_id"] }],
    });

    const badAfter = await emulator.fetch(`${APP}/api/invocations/${id}/events?after=two`);
    expect(badAfter.status).toBe(422);
    expect(await badAfter.json()).toEqual({
      detail: [
        {
          type: "int_parsing",
          loc: ["query", "after"],
          msg: "Input should be a valid integer, unable to parse string as an integer",
          input: "two",
        },
      ],
    });

    for (const path of [`/api/invocations/${newId()}`, `/api/invocations/${newId()}/events`]) {
      const unknown = await emulator.fetch(`${APP}${path}`);
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toEqual({ detail: "invocation not found" });
    }
  });
});

describe("agent-bricks: the body contract (sessionContract: body)", () => {
  const bodyContract = () => bricks({ agentBricks: { sessionContract: "body" } });

  it("takes the session from a top-level session_id and ignores the session header", async () => {
    const { post, advance, status, emulator } = bodyContract();
    const first = newId();
    const second = newId();
    // The header names a different session each time; the body's session_id is what orders the two turns.
    await post(
      { id: first, session_id: "chat-1", input: turn("Hello"), background: true },
      { "x-databricks-session-id": "a" },
    );
    const queued = await post(
      { id: second, session_id: "chat-1", input: turn("And again"), background: true },
      { "x-databricks-session-id": "b", "x-routing-key": "chat-1" },
    );
    expect(queued.status).toBe(202);
    advance(1_000);
    expect((await status(second)).body.status).toBe("queued");
    advance(10_000);
    const done = (await status(second)).body as { output: { output: Array<{ content: string }> } };
    // The session is the agent's memory: the second turn knows it is the second.
    expect(done.output.output.at(-1)?.content).toContain("turn 2 of this conversation");
    expect(emulator.inspect().map((view) => invocationDetails(view)?.sessionId)).toEqual([
      "chat-1",
      "chat-1",
    ]);
  });

  it("refuses an empty session_id (422) but accepts none, whose run the template agent then fails", async () => {
    const { post, advance, status, emulator } = bodyContract();
    const empty = await post({ id: newId(), session_id: "", input: turn("Hello") }, {});
    expect(empty.status).toBe(422);
    expect(await empty.json()).toMatchObject({
      detail: [{ type: "string_too_short", loc: ["body", "session_id"], input: "" }],
    });

    const id = newId();
    const sessionless = await post({ id, input: turn("Hello"), background: true }, {});
    expect(sessionless.status).toBe(202);
    advance(5_000);
    expect((await status(id)).body).toEqual({ id, status: "failed", error: "agent invocation failed" });
    const [view] = emulator.inspect();
    expect(view && invocationDetails(view)).toMatchObject({
      sessionId: null,
      failureReason: "session_id must be provided as a top-level invocation field",
    });
  });
});
