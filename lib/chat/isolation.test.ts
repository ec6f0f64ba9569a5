import { describe, expect, it } from "vitest";
import type { ChatOwner } from "@/lib/db/chat-store";
import { cancelChatRun } from "./cancel";
import { resumeChatRun } from "./resume";
import { OWNER, readUIStream, say, setup } from "./testing";
import { startChatTurn } from "./turn";

const INTRUDER: ChatOwner = { id: "anon:intruder" };

describe("one person's chat is invisible to everyone else", () => {
  it("another user cannot read, resume, continue, approve in or cancel it, and nothing changes", async () => {
    const { deps, seen, store } = setup(60_000);
    const first = await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "mine",
        turn: say("Search the web for lakehouse news"),
      }),
    );
    const approvalId = first.flatMap((c) => (c.type === "tool-approval-request" ? [c.approvalId] : []))[0];
    expect(approvalId).toBeTruthy();
    const before = await store.getChat("mine");
    const requestsBefore = seen.length;

    expect(await store.getChat("mine", INTRUDER.id)).toBeUndefined();
    expect(await store.listChats(INTRUDER.id)).toEqual([]);
    const notFound = { kind: "missing" };
    await expect(resumeChatRun(deps, { chatId: "mine", ownerId: INTRUDER.id })).rejects.toMatchObject(
      notFound,
    );
    await expect(cancelChatRun(deps, "mine", INTRUDER.id)).rejects.toMatchObject(notFound);
    await expect(
      startChatTurn(deps, {
        owner: INTRUDER,
        chatId: "mine",
        turn: { kind: "approval", decisions: [{ approvalRequestId: String(approvalId), approve: true }] },
      }),
    ).rejects.toMatchObject(notFound);
    // A new message under the same id does not take the chat over either.
    await expect(
      startChatTurn(deps, { owner: INTRUDER, chatId: "mine", turn: say("mine now") }),
    ).rejects.toThrow("There is no such chat.");
    expect(await store.deleteChat("mine", { ownerId: INTRUDER.id })).toBe(false);

    expect(await store.getChat("mine")).toEqual(before);
    expect(seen.length).toBe(requestsBefore); // nothing reached the upstream
    // The owner still can.
    const approved = await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "mine",
        turn: { kind: "approval", decisions: [{ approvalRequestId: String(approvalId), approve: true }] },
      }),
    );
    expect(approved.at(-1)).toEqual({ type: "finish", finishReason: "stop" });
  });
});
