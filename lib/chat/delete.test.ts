import { describe, expect, it } from "vitest";
import { deleteChat } from "./delete";
import { OWNER, readUIStream, say, setup } from "./testing";
import { startChatTurn } from "./turn";

describe("deleting a chat", () => {
  it("refuses a chat whose answer is still being written, and changes nothing", async () => {
    const { deps, store } = setup(60_000);
    const running = await startChatTurn(deps, {
      owner: OWNER,
      chatId: "busy",
      turn: say("long report please"),
    });
    await expect(deleteChat(deps, "busy", OWNER.id)).rejects.toMatchObject({
      kind: "conflict",
      message: expect.stringMatching(/stop it before deleting/),
    });
    expect((await store.getChat("busy"))?.run?.state).toBe("running");
    await deleteChat(deps, "busy", OWNER.id, { stop: true });
    await readUIStream(running);
  });

  it("with stop: the run is cancelled upstream first, its stream ends, and the chat is gone", async () => {
    const { deps, store, seen } = setup(60_000);
    const reading = readUIStream(
      await startChatTurn(deps, { owner: OWNER, chatId: "stop-me", turn: say("long report please") }),
    );
    await new Promise((r) => setTimeout(r, 300));
    await deleteChat(deps, "stop-me", OWNER.id, { stop: true });
    expect(await store.getChat("stop-me")).toBeUndefined();
    expect(seen.some((r) => r.method === "POST" && r.path.endsWith("/cancel"))).toBe(true);
    const chunks = await reading;
    expect(chunks.at(-1)?.type).toBe("finish");
    // Nothing brings it back: the stream that was showing it stored nothing after the delete.
    expect(await store.getChat("stop-me")).toBeUndefined();
  });

  it("with stop, someone else's chat is not found and stays as it was", async () => {
    const { deps, store } = setup(60_000);
    await readUIStream(await startChatTurn(deps, { owner: OWNER, chatId: "mine", turn: say("Hello there") }));
    await expect(deleteChat(deps, "mine", "anon:intruder", { stop: true })).rejects.toMatchObject({
      kind: "missing",
    });
    expect(await store.getChat("mine")).toBeDefined();
  });
});
