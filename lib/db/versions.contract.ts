/**
 * The versions part of the ChatStore contract (edit, regenerate, switch: lib/db/branches.ts), run by
 * describeChatStore against every store.
 */
import { describe, expect, it } from "vitest";
import type { UpstreamItem } from "@/lib/shared/upstream";
import {
  type BranchPoint,
  ChatBusyError,
  ChatNotFoundError,
  type ChatRecord,
  type ChatStore,
} from "./chat-store";
import {
  assistantMessage,
  ME,
  outputItem,
  SOMEONE_ELSE,
  uniqueId,
  userItem,
  userMessage,
} from "./chat-store.contract";

/** What each message and history item says, in order: enough to tell branches apart. */
function texts(chat: ChatRecord | undefined) {
  const itemText = (item: UpstreamItem) =>
    (item.content as Array<{ text: string }>).map((c) => c.text).join("");
  return {
    messages: chat?.messages.map((m) => m.parts.map((p) => (p.type === "text" ? p.text : "")).join("")),
    history: chat?.history.map(itemText),
  };
}

export function describeVersionsContract(storeOf: () => ChatStore) {
  describe("versions (edit, regenerate, switch)", () => {
    /** A run that answers `text` with one item and its message. */
    async function answer(chatId: string, runId: string, text: string) {
      const store = storeOf();
      await store.startRun(chatId, runId, { responseId: `resp-${runId}`, input: [] });
      await store.recordItem(chatId, runId, outputItem(`out-${runId}`, `A: ${text}`), 1);
      await store.finishRun(chatId, runId, "completed", assistantMessage(runId, `A: ${text}`));
    }

    /** A question and its answer; with `fork`, a new version there (an edit). */
    async function ask(chatId: string, text: string, fork?: BranchPoint, create = false) {
      const runId = uniqueId("run");
      const message = userMessage(`Q: ${text}`);
      await storeOf().beginTurn(
        chatId,
        runId,
        () => ({ message, items: [userItem(`Q: ${text}`)], ...(fork ? { fork } : {}) }),
        { create, owner: ME },
      );
      await answer(chatId, runId, text);
      return message.id;
    }

    /** A new answer to the question before `fork.at` (a regenerate). */
    async function regenerate(chatId: string, fork: BranchPoint, text: string) {
      const runId = uniqueId("run");
      await storeOf().beginTurn(chatId, runId, () => ({ items: [], fork }), { create: false, owner: ME });
      await answer(chatId, runId, text);
    }

    /** Q: one, A: one, Q: two, A: two. */
    async function twoTurns() {
      const chatId = uniqueId("chat");
      await ask(chatId, "one", undefined, true);
      await ask(chatId, "two");
      return chatId;
    }

    const current = async (chatId: string) => texts(await storeOf().getChat(chatId, ME.id));
    const choose = (at: number, version: number) => () => ({ at, version });

    it("sets the branch aside on an edit, appends the new question, and switches between the two", async () => {
      const store = storeOf();
      const chatId = await twoTurns();
      await ask(chatId, "two, edited", { at: 2, historyAt: 2 });
      expect(await current(chatId)).toEqual({
        messages: ["Q: one", "A: one", "Q: two, edited", "A: two, edited"],
        history: ["Q: one", "A: one", "Q: two, edited", "A: two, edited"],
      });
      expect(await store.listForks(chatId, ME.id)).toEqual([{ at: 2, active: 1, count: 2 }]);

      const back = await store.switchVersion(chatId, ME.id, choose(2, 0));
      const original = {
        messages: ["Q: one", "A: one", "Q: two", "A: two"],
        history: ["Q: one", "A: one", "Q: two", "A: two"],
      };
      expect(texts(back.chat)).toEqual(original);
      expect(back.forks).toEqual([{ at: 2, active: 0, count: 2 }]);
      expect(await current(chatId)).toEqual(original);

      // The chosen branch goes on like any chat; the other version waits where it was.
      await ask(chatId, "three");
      expect((await current(chatId)).history).toEqual([...original.history, "Q: three", "A: three"]);
      await store.switchVersion(chatId, ME.id, choose(2, 1));
      expect((await current(chatId)).messages).toEqual([
        "Q: one",
        "A: one",
        "Q: two, edited",
        "A: two, edited",
      ]);
      await store.switchVersion(chatId, ME.id, choose(2, 0));
      expect((await current(chatId)).messages).toEqual([...original.messages, "Q: three", "A: three"]);
    });

    it("adds a version to an existing fork on a regenerate, keeping the question", async () => {
      const store = storeOf();
      const chatId = await twoTurns();
      await regenerate(chatId, { at: 3, historyAt: 3 }, "two, again");
      await regenerate(chatId, { at: 3, historyAt: 3 }, "two, a third time");
      expect(await current(chatId)).toEqual({
        messages: ["Q: one", "A: one", "Q: two", "A: two, a third time"],
        history: ["Q: one", "A: one", "Q: two", "A: two, a third time"],
      });
      expect(await store.listForks(chatId)).toEqual([{ at: 3, active: 2, count: 3 }]);
      await store.switchVersion(chatId, ME.id, choose(3, 1));
      expect((await current(chatId)).messages?.at(-1)).toBe("A: two, again");
      await store.switchVersion(chatId, ME.id, choose(3, 0));
      expect((await current(chatId)).messages?.at(-1)).toBe("A: two");
      expect(await store.listForks(chatId)).toEqual([{ at: 3, active: 0, count: 3 }]);
    });

    it("keeps the versions inside a version that was set aside (nested forks)", async () => {
      const store = storeOf();
      const chatId = await twoTurns();
      // Version 2 of the first question, whose answer then gets a version of its own.
      await ask(chatId, "one, edited", { at: 0, historyAt: 0 });
      await regenerate(chatId, { at: 1, historyAt: 1 }, "one, edited, again");
      expect(await store.listForks(chatId)).toEqual([
        { at: 0, active: 1, count: 2 },
        { at: 1, active: 1, count: 2 },
      ]);

      await store.switchVersion(chatId, ME.id, choose(0, 0));
      expect(await store.listForks(chatId)).toEqual([{ at: 0, active: 0, count: 2 }]);
      expect((await current(chatId)).messages).toEqual(["Q: one", "A: one", "Q: two", "A: two"]);

      const restored = await store.switchVersion(chatId, ME.id, choose(0, 1));
      expect(restored.forks).toEqual([
        { at: 0, active: 1, count: 2 },
        { at: 1, active: 1, count: 2 },
      ]);
      expect(texts(restored.chat).messages).toEqual(["Q: one, edited", "A: one, edited, again"]);
      await store.switchVersion(chatId, ME.id, choose(1, 0));
      expect(await current(chatId)).toEqual({
        messages: ["Q: one, edited", "A: one, edited"],
        history: ["Q: one, edited", "A: one, edited"],
      });
    });

    it("refuses to switch while a run is in progress, and changes nothing", async () => {
      const store = storeOf();
      const chatId = await twoTurns();
      await regenerate(chatId, { at: 3, historyAt: 3 }, "two, again");
      await store.beginTurn(
        chatId,
        uniqueId("run"),
        () => ({ message: userMessage("Q: three"), items: [userItem("Q: three")] }),
        { create: false, owner: ME },
      );
      const before = await store.getChat(chatId);
      await expect(store.switchVersion(chatId, ME.id, choose(3, 0))).rejects.toSatisfy(ChatBusyError.is);
      // An edit or regenerate is a turn: refused like any turn while one runs.
      await expect(
        store.beginTurn(chatId, uniqueId("run"), () => ({ items: [], fork: { at: 3, historyAt: 3 } }), {
          create: false,
          owner: ME,
        }),
      ).rejects.toSatisfy(ChatBusyError.is);
      expect(await store.getChat(chatId)).toEqual(before);
      expect(await store.listForks(chatId)).toEqual([{ at: 3, active: 1, count: 2 }]);
    });

    it("changes nothing when the choice is refused", async () => {
      const store = storeOf();
      const chatId = await twoTurns();
      await regenerate(chatId, { at: 3, historyAt: 3 }, "two, again");
      const before = await store.getChat(chatId);
      const refuse = () => {
        throw new Error("no such message");
      };
      await expect(store.switchVersion(chatId, ME.id, refuse)).rejects.toThrow("no such message");
      expect(await store.getChat(chatId)).toEqual(before);
      expect(await store.listForks(chatId)).toEqual([{ at: 3, active: 1, count: 2 }]);
    });

    it("shows and switches versions for the chat's owner only, and deletes them with the chat", async () => {
      const store = storeOf();
      const chatId = await twoTurns();
      await regenerate(chatId, { at: 3, historyAt: 3 }, "two, again");
      expect(await store.listForks(chatId, SOMEONE_ELSE.id)).toEqual([]);
      await expect(store.switchVersion(chatId, SOMEONE_ELSE.id, choose(3, 0))).rejects.toSatisfy(
        ChatNotFoundError.is,
      );
      await expect(store.switchVersion(uniqueId("none"), ME.id, choose(3, 0))).rejects.toSatisfy(
        ChatNotFoundError.is,
      );
      expect((await current(chatId)).messages?.at(-1)).toBe("A: two, again");
      expect(await store.deleteChat(chatId)).toBe(true);
      expect(await store.listForks(chatId)).toEqual([]);
    });
  });
}
