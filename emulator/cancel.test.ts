import { APIError } from "openai";
import { describe, expect, it } from "vitest";
import { setup } from "./test-helpers";

describe("cancel", () => {
  it("freezes an in-progress response as cancelled, keeps partial items, and is idempotent", async () => {
    const { create, retrieve, cancel, advance } = setup();
    const created = await create({ model: "m", input: "Write a long report", background: true });
    advance(2_000);
    const before = await retrieve(created.id);
    const cancelled = await cancel(created.id);
    expect(cancelled).toEqual({ ...before, status: "cancelled", usage: null });
    expect(cancelled.output[0]).toMatchObject({ type: "message", id: null, status: "in_progress" });

    advance(60_000); // long past the scenario's end: still frozen
    expect(await retrieve(created.id)).toEqual(cancelled);
    expect(await cancel(created.id)).toEqual(cancelled);
  });

  it("cancels a queued response with empty output", async () => {
    const { create, retrieve, cancel, advance } = setup();
    const created = await create({ model: "m", input: "Analyze the data", background: true });
    const cancelled = await cancel(created.id);
    expect(cancelled).toMatchObject({ status: "cancelled", output: [], usage: null });
    advance(30_000);
    expect(await retrieve(created.id)).toEqual(cancelled);
  });

  it("returns a terminal response unchanged", async () => {
    const { create, retrieve, cancel, advance } = setup();
    const created = await create({ model: "m", input: "Hello", background: true });
    advance(10_000);
    const done = await retrieve(created.id);
    expect(done.status).toBe("completed");
    expect(await cancel(created.id)).toEqual(done);
    expect(await retrieve(created.id)).toEqual(done);
  });

  it("answers 404 for an unknown id", async () => {
    const { cancel } = setup();
    const error = await cancel("resp_unknown").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(404);
  });
});
