/**
 * The ChatStore contract as a vitest suite, run against every implementation (memory, PGlite, PostgreSQL):
 * `describeChatStore("name", makeStore)` inside a `*.test.ts` file. The store made is shared by the suite's
 * tests, so every test uses chat ids of its own.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ChatMessage } from "@/lib/shared/chat";
import type { UpstreamItem } from "@/lib/shared/upstream";
import { type AnswerUsage, usageOf } from "@/lib/shared/usage";
import type { ApprovalRecord } from "./chat-store";
import {
  ChatBusyError,
  ChatNotFoundError,
  type ChatOwner,
  type ChatRecord,
  type ChatStore,
  CYCLE_CLAIM_TTL_MS,
  type RunState,
  type TurnAppend,
} from "./chat-store";
import { describeRunLimitsContract } from "./limits.contract";
import { describeVersionsContract } from "./versions.contract";

export interface ChatStoreHarness {
  store: ChatStore;
  /** The approvals audit log of a chat, for a store that keeps one (its approval tests are skipped otherwise). */
  approvals?: (chatId: string) => Promise<ApprovalRecord[]>;
  close?: () => Promise<void>;
}

let counter = 0;
/** A chat or run id no other test (nor an earlier run against the same database) uses. */
export const uniqueId = (label: string) =>
  `${label}-${++counter}-${Math.random().toString(36).slice(2, 8)}`.slice(0, 64);

/** The owner of the chats the contract makes, and somebody else. */
export const ME: ChatOwner = { id: "anon:contract-me" };
export const SOMEONE_ELSE: ChatOwner = { id: "fwd:someone@example.com", email: "someone@example.com" };

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const userMessage = (text: string, id = uniqueId("u")): ChatMessage => ({
  id,
  role: "user",
  parts: [{ type: "text", text }],
});

export const assistantMessage = (id: string, text: string): ChatMessage => ({
  id,
  role: "assistant",
  parts: [{ type: "text", text }],
});

export const userItem = (text: string): UpstreamItem => ({
  type: "message",
  role: "user",
  content: [{ type: "input_text", text }],
});

export const outputItem = (id: string, text = `text of ${id}`): UpstreamItem => ({
  type: "message",
  id,
  status: "completed",
  role: "assistant",
  content: [{ type: "output_text", text, annotations: [] }],
});

/** A user's message turn, as the chat route makes it. */
export const say =
  (text: string, message = userMessage(text)) =>
  (): TurnAppend => ({
    message,
    items: [userItem(text)],
  });

export function describeChatStore(
  name: string,
  makeStore: () => ChatStoreHarness | Promise<ChatStoreHarness>,
) {
  describe(`ChatStore contract: ${name}`, () => {
    let harness: ChatStoreHarness;
    let store: ChatStore;
    beforeAll(async () => {
      harness = await makeStore();
      store = harness.store;
    }, 120_000);
    afterAll(async () => {
      await harness?.close?.();
    }, 30_000);

    /** A chat with one completed turn: user message, one output item, assistant message. */
    async function completedChat(text = "hello") {
      const chatId = uniqueId("chat");
      const runId = uniqueId("run");
      await store.beginTurn(chatId, runId, say(text), { create: true, owner: ME });
      await store.startRun(chatId, runId, { responseId: `resp-${runId}`, input: [userItem(text)] });
      await store.recordItem(chatId, runId, outputItem(`out-${runId}`), 1);
      await store.finishRun(chatId, runId, "completed", assistantMessage(runId, `answer to ${text}`));
      return { chatId, runId };
    }

    async function mustGet(chatId: string): Promise<ChatRecord> {
      const chat = await store.getChat(chatId);
      if (!chat) throw new Error(`chat ${chatId} is missing`);
      return chat;
    }

    describe("getChat and beginTurn", () => {
      it("knows no chat it was never given", async () => {
        expect(await store.getChat(uniqueId("none"))).toBeUndefined();
        expect(await store.deleteChat(uniqueId("none"))).toBe(false);
      });

      it("creates a chat on its first turn and opens the run", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        const message = userMessage("  What   is\nthe weather?  ");
        const seen: Array<ChatRecord | undefined> = [];
        const before = Date.now();
        const chat = await store.beginTurn(
          chatId,
          runId,
          (current) => {
            seen.push(current);
            return { message, items: [userItem("What is the weather?")] };
          },
          { create: true, owner: ME },
        );
        const after = Date.now();
        expect(seen).toEqual([undefined]);
        expect(chat).toEqual({
          id: chatId,
          title: "What is the weather?",
          createdAt: expect.any(Number),
          updatedAt: expect.any(Number),
          messages: [message],
          history: [userItem("What is the weather?")],
          run: { runId, state: "running", cursor: 0, startedAt: expect.any(Number), input: [], polls: 0 },
        });
        expect(chat.createdAt).toBeGreaterThanOrEqual(before);
        expect(chat.updatedAt).toBeGreaterThanOrEqual(chat.createdAt);
        expect(chat.updatedAt).toBeLessThanOrEqual(after);
        expect(chat.run?.startedAt).toBeGreaterThanOrEqual(before);
        expect(chat.run?.startedAt).toBeLessThanOrEqual(after);
        expect(chat.run?.responseId).toBeUndefined();
        expect(chat.run?.finishedAt).toBeUndefined();
        expect(chat.run?.error).toBeUndefined();
        expect(await store.getChat(chatId)).toEqual(chat);
      });

      it("titles a chat from its first message, cut at 80 characters", async () => {
        const long = uniqueId("chat");
        const text = `${"word ".repeat(30)}end`;
        const chat = await store.beginTurn(long, uniqueId("run"), say(text), { create: true, owner: ME });
        expect(chat.title).toHaveLength(80);
        expect(chat.title.endsWith("…")).toBe(true);
        expect(text.replace(/\s+/g, " ").startsWith(chat.title.slice(0, 79))).toBe(true);

        const untitled = uniqueId("chat");
        const bare = await store.beginTurn(untitled, uniqueId("run"), () => ({ items: [userItem("x")] }), {
          create: true,
          owner: ME,
        });
        expect(bare.title).toBe("New chat");
        expect(bare.messages).toEqual([]);

        // The title is the first message's: later turns keep it.
        const { chatId } = await completedChat("first question");
        await store.beginTurn(chatId, uniqueId("run"), say("second question"), { create: true, owner: ME });
        expect((await mustGet(chatId)).title).toBe("first question");
      });

      it("does not create a chat without `create`", async () => {
        const chatId = uniqueId("chat");
        const seen: Array<ChatRecord | undefined> = [];
        await expect(
          store.beginTurn(
            chatId,
            uniqueId("run"),
            (current) => {
              seen.push(current);
              return { items: [userItem("x")] };
            },
            { create: false, owner: ME },
          ),
        ).rejects.toThrow();
        expect(seen).toEqual([undefined]);
        expect(await store.getChat(chatId)).toBeUndefined();
        expect((await store.listChats(ME.id, 1000)).some((c) => c.id === chatId)).toBe(false);
      });

      it("lets prepare see the chat as it is now and continues it", async () => {
        const { chatId, runId } = await completedChat("hello");
        const before = await mustGet(chatId);
        let seen: ChatRecord | undefined;
        const nextRun = uniqueId("run");
        const message = userMessage("and then?");
        const chat = await store.beginTurn(
          chatId,
          nextRun,
          (current) => {
            seen = current;
            return { message, items: [userItem("and then?")] };
          },
          { create: false, owner: ME },
        );
        expect(seen).toEqual(before);
        expect(seen?.run).toMatchObject({ runId, state: "completed" });
        expect(chat.messages).toEqual([...before.messages, message]);
        expect(chat.history).toEqual([...before.history, userItem("and then?")]);
        expect(chat.run).toEqual({
          runId: nextRun,
          state: "running",
          cursor: 0,
          startedAt: expect.any(Number),
          input: [],
          polls: 0,
        });
        expect(chat.createdAt).toBe(before.createdAt);
        expect(chat.updatedAt).toBeGreaterThanOrEqual(before.updatedAt);
        expect(await store.getChat(chatId)).toEqual(chat);
      });

      it("stores nothing when prepare throws (new chat)", async () => {
        const chatId = uniqueId("chat");
        const refusal = new Error("refused by prepare");
        await expect(
          store.beginTurn(
            chatId,
            uniqueId("run"),
            () => {
              throw refusal;
            },
            { create: true, owner: ME },
          ),
        ).rejects.toBe(refusal);
        expect(await store.getChat(chatId)).toBeUndefined();
        expect((await store.listChats(ME.id, 1000)).some((c) => c.id === chatId)).toBe(false);
        // The id is still free.
        const chat = await store.beginTurn(chatId, uniqueId("run"), say("now"), { create: true, owner: ME });
        expect(chat.history).toEqual([userItem("now")]);
      });

      it("stores nothing when prepare throws (existing chat)", async () => {
        const { chatId } = await completedChat();
        const before = await mustGet(chatId);
        await sleep(3);
        await expect(
          store.beginTurn(
            chatId,
            uniqueId("run"),
            () => {
              throw new Error("refused by prepare");
            },
            { create: true, owner: ME },
          ),
        ).rejects.toThrow("refused by prepare");
        expect(await store.getChat(chatId)).toEqual(before);
      });

      it("refuses a turn with ChatBusyError while a run is in progress, without calling prepare", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("long task"), { create: true, owner: ME });
        const before = await mustGet(chatId);
        let called = false;
        const attempt = store.beginTurn(
          chatId,
          uniqueId("run"),
          () => {
            called = true;
            return { message: userMessage("impatient"), items: [userItem("impatient")] };
          },
          { create: true, owner: ME },
        );
        await expect(attempt).rejects.toBeInstanceOf(ChatBusyError);
        expect(called).toBe(false);
        expect(await store.getChat(chatId)).toEqual(before);
        // A snapshot does not end the run either.
        await store.finishRun(chatId, runId, "running", assistantMessage(runId, "partial"));
        await expect(
          store.beginTurn(chatId, uniqueId("run"), say("still?"), { create: true, owner: ME }),
        ).rejects.toBeInstanceOf(ChatBusyError);
        await store.finishRun(chatId, runId, "completed", assistantMessage(runId, "done"));
        await expect(
          store.beginTurn(chatId, uniqueId("run"), say("now"), { create: true, owner: ME }),
        ).resolves.toBeDefined();
      });

      it("lets exactly one of several concurrent first turns of a chat through", async () => {
        const chatId = uniqueId("chat");
        const texts = ["one", "two", "three", "four"];
        const results = await Promise.allSettled(
          texts.map((text) =>
            store.beginTurn(chatId, uniqueId("run"), say(text), { create: true, owner: ME }),
          ),
        );
        const won = results.filter((r) => r.status === "fulfilled");
        const lost = results.filter((r) => r.status === "rejected");
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(texts.length - 1);
        for (const r of lost) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ChatBusyError);
        const winner = (won[0] as PromiseFulfilledResult<ChatRecord>).value;
        const chat = await mustGet(chatId);
        expect(chat).toEqual(winner);
        expect(chat.messages).toHaveLength(1);
        expect(chat.history).toHaveLength(1);
      });

      it("lets exactly one of several concurrent turns of an idle chat through", async () => {
        const { chatId } = await completedChat();
        const before = await mustGet(chatId);
        const results = await Promise.allSettled(
          ["a", "b", "c"].map((text) =>
            store.beginTurn(chatId, uniqueId("run"), say(text), { create: false, owner: ME }),
          ),
        );
        expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
        for (const r of results.filter((r) => r.status === "rejected"))
          expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ChatBusyError);
        const chat = await mustGet(chatId);
        expect(chat.messages).toHaveLength(before.messages.length + 1);
        expect(chat.history).toHaveLength(before.history.length + 1);
      });

      it("hands out copies: changing a returned record changes nothing stored", async () => {
        const { chatId } = await completedChat();
        const chat = await mustGet(chatId);
        const pristine = structuredClone(chat);
        chat.title = "changed";
        chat.messages.pop();
        chat.history.push(userItem("injected"));
        if (chat.run) chat.run.state = "running";
        expect(await store.getChat(chatId)).toEqual(pristine);
      });
    });

    describe("runs", () => {
      it("startRun records the upstream response and input and restarts the cursor", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("go"), { create: true, owner: ME });
        const input = [userItem("go")];
        await store.startRun(chatId, runId, { responseId: "resp_1", input });
        expect((await mustGet(chatId)).run).toMatchObject({ runId, responseId: "resp_1", input, cursor: 0 });

        await store.recordItem(chatId, runId, outputItem("a"), 1);
        await store.recordItem(chatId, runId, outputItem("b"), 2);
        expect((await mustGet(chatId)).run?.cursor).toBe(2);

        // The next cycle of the same run: a new response whose output starts again at index 0.
        const input2 = [
          ...input,
          outputItem("a"),
          outputItem("b"),
          { type: "function_call_output", call_id: "c1", output: "4" },
        ];
        await store.startRun(chatId, runId, { responseId: "resp_2", input: input2 });
        const chat = await mustGet(chatId);
        expect(chat.run).toMatchObject({
          runId,
          responseId: "resp_2",
          input: input2,
          cursor: 0,
          state: "running",
        });
        await store.recordItem(chatId, runId, outputItem("c"), 1);
        expect((await mustGet(chatId)).history).toEqual([
          userItem("go"),
          outputItem("a"),
          outputItem("b"),
          outputItem("c"),
        ]);
      });

      it("listOpenRuns lists each chat's running run with its owner, and no ended or earlier one", async () => {
        const mine = uniqueId("chat");
        const theirs = uniqueId("chat");
        const ended = uniqueId("chat");
        const next = uniqueId("chat");
        await store.beginTurn(mine, "run-mine", say("go"), { create: true, owner: ME });
        await store.beginTurn(theirs, "run-theirs", say("go"), { create: true, owner: SOMEONE_ELSE });
        await store.beginTurn(ended, "run-ended", say("go"), { create: true, owner: ME });
        await store.finishRun(ended, "run-ended", "completed");
        // A chat whose first run ended and whose second is running: the second only.
        await store.beginTurn(next, "run-first", say("go"), { create: true, owner: ME });
        await store.finishRun(next, "run-first", "completed");
        await store.beginTurn(next, "run-second", say("again"), { create: false, owner: ME });

        const ours = new Set([mine, theirs, ended, next]);
        const open = (await store.listOpenRuns()).filter((run) => ours.has(run.chatId));
        expect(open.sort((a, b) => a.runId.localeCompare(b.runId))).toEqual([
          { chatId: mine, ownerId: ME.id, runId: "run-mine" },
          { chatId: next, ownerId: ME.id, runId: "run-second" },
          { chatId: theirs, ownerId: SOMEONE_ELSE.id, runId: "run-theirs" },
        ]);
      });

      it("followRun names the run's follower; a follower heard from keeps it against a conditional take", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        const a = uniqueId("inst-a");
        const b = uniqueId("inst-b");
        const c = uniqueId("inst-c");
        await store.beginTurn(chatId, runId, say("go"), { create: true, owner: ME });
        expect((await store.checkRun(chatId, runId, 0))?.follower).toBeUndefined();
        expect(await store.followRun(chatId, runId, a)).toBe(true);
        expect((await store.checkRun(chatId, runId, 0))?.follower).toBe(a);

        await store.heartbeat(a);
        const aMomentAgo = Date.now() - 1000;
        expect(await store.followRun(chatId, runId, b, aMomentAgo)).toBe(false);
        expect((await store.checkRun(chatId, runId, 0))?.follower).toBe(a);
        // Its own run, a follower takes again whatever the others.
        expect(await store.followRun(chatId, runId, a, aMomentAgo)).toBe(true);
        // Not heard from since: taken.
        expect(await store.followRun(chatId, runId, b, Date.now() + 1000)).toBe(true);
        expect((await store.checkRun(chatId, runId, 0))?.follower).toBe(b);
        // A browser's stream takes it unconditionally.
        expect(await store.followRun(chatId, runId, c)).toBe(true);
        expect((await store.checkRuns([{ chatId, runId, polls: 0 }]))[0]?.follower).toBe(c);

        await store.finishRun(chatId, runId, "completed");
        expect(await store.followRun(chatId, runId, a)).toBe(false);
        expect(await store.followRun(chatId, "not-the-run", a)).toBe(false);
      });

      it("claimOrphanedRuns takes the runs whose follower went silent, each by one instance", async () => {
        const silent = uniqueId("silent");
        const alive = uniqueId("alive");
        const sweeper = uniqueId("sweeper");
        const other = uniqueId("other");
        const chat = (label: string) => ({ chatId: uniqueId(label), runId: uniqueId("run") });
        const orphan = chat("orphan");
        const unfollowed = chat("unfollowed");
        const followed = chat("followed");
        const ended = chat("ended");
        for (const { chatId, runId } of [orphan, unfollowed, followed, ended])
          await store.beginTurn(chatId, runId, say("go"), { create: true, owner: ME });
        await store.followRun(orphan.chatId, orphan.runId, silent);
        await store.followRun(followed.chatId, followed.runId, alive);
        await store.finishRun(ended.chatId, ended.runId, "completed");
        await store.heartbeat(silent);
        await sleep(5);
        const staleBefore = Date.now();
        await sleep(5);
        await store.heartbeat(alive);
        await store.heartbeat(sweeper);
        await store.heartbeat(other);

        const ours = new Set([orphan, unfollowed, followed, ended].map((c) => c.chatId));
        const mine = (runs: { chatId: string }[]) => runs.filter((run) => ours.has(run.chatId));
        const [first, second] = await Promise.all([
          store.claimOrphanedRuns(sweeper, staleBefore, 1000),
          store.claimOrphanedRuns(other, staleBefore, 1000),
        ]);
        const claimed = [...mine(first ?? []), ...mine(second ?? [])];
        expect(claimed.map((run) => run.chatId).sort()).toEqual([orphan.chatId, unfollowed.chatId].sort());
        expect(claimed).toContainEqual({ ...orphan, ownerId: ME.id });
        // Claimed runs are followed now: nobody claims them again while their new follower is heard from.
        expect(mine(await store.claimOrphanedRuns(alive, staleBefore, 1000))).toEqual([]);
        const followerOf = async (run: { chatId: string; runId: string }) =>
          (await store.checkRun(run.chatId, run.runId, 0))?.follower;
        expect([sweeper, other]).toContain(await followerOf(orphan));
        expect(await followerOf(followed)).toBe(alive);
        // A run started after `staleBefore` is not an orphan yet: its browser's stream may be about to follow it.
        const fresh = chat("fresh");
        await store.beginTurn(fresh.chatId, fresh.runId, say("go"), { create: true, owner: ME });
        ours.add(fresh.chatId);
        expect(mine(await store.claimOrphanedRuns(sweeper, staleBefore, 1000))).toEqual([]);
      });

      it("findOpenRun finds the run in progress on a response, its current cycle's only", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        const first = uniqueId("resp");
        const second = uniqueId("resp");
        await store.beginTurn(chatId, runId, say("go"), { create: true, owner: ME });
        expect(await store.findOpenRun(first)).toBeUndefined();
        await store.startRun(chatId, runId, { responseId: first, input: [] });
        expect(await store.findOpenRun(first)).toEqual({ chatId, ownerId: ME.id, runId });
        // The next cycle: the run is on the new response now.
        await store.startRun(chatId, runId, { responseId: second, input: [] });
        expect(await store.findOpenRun(first)).toBeUndefined();
        expect(await store.findOpenRun(second)).toEqual({ chatId, ownerId: ME.id, runId });
        await store.finishRun(chatId, runId, "completed");
        expect(await store.findOpenRun(second)).toBeUndefined();
      });

      it("receiveWebhook takes each delivery once, also at the same moment; a forgotten one again", async () => {
        const delivery = uniqueId("wh");
        const answers = await Promise.all([store.receiveWebhook(delivery), store.receiveWebhook(delivery)]);
        expect(answers.sort()).toEqual([false, true]);
        expect(await store.receiveWebhook(delivery)).toBe(false);
        expect(await store.receiveWebhook(uniqueId("wh"))).toBe(true);
        await store.forgetWebhook(delivery);
        expect(await store.receiveWebhook(delivery)).toBe(true);
      });

      it("keeps each browser's push subscription for the person who subscribed on it last", async () => {
        const browser = {
          endpoint: `https://push.example/${uniqueId("sub")}`,
          keys: { p256dh: "p".repeat(87), auth: "a".repeat(22) },
        };
        const other = {
          endpoint: `https://push.example/${uniqueId("sub")}`,
          keys: { p256dh: "q".repeat(87), auth: "b".repeat(22) },
        };
        const mine = async (ownerId = ME.id) =>
          (await store.listPushSubscriptions(ownerId)).filter((s) =>
            [browser.endpoint, other.endpoint].includes(s.endpoint),
          );
        await store.savePushSubscription(ME.id, browser);
        await store.savePushSubscription(ME.id, other);
        expect((await mine()).sort((a, b) => a.endpoint.localeCompare(b.endpoint))).toEqual(
          [browser, other].sort((a, b) => a.endpoint.localeCompare(b.endpoint)),
        );
        // The same browser, subscribed by someone else now (new keys): theirs only.
        const renewed = { ...browser, keys: { p256dh: "r".repeat(87), auth: "c".repeat(22) } };
        await store.savePushSubscription(SOMEONE_ELSE.id, renewed);
        expect(await mine()).toEqual([other]);
        expect(await mine(SOMEONE_ELSE.id)).toEqual([renewed]);
        // Only its person can unsubscribe it; a push service's "gone" forgets it for everyone.
        expect(await store.deletePushSubscription(ME.id, browser.endpoint)).toBe(false);
        expect(await store.deletePushSubscription(SOMEONE_ELSE.id, browser.endpoint)).toBe(true);
        expect(await mine(SOMEONE_ELSE.id)).toEqual([]);
        await store.forgetPushEndpoint(other.endpoint);
        expect(await mine()).toEqual([]);
      });

      it("recordItem appends each item once: a repeated or older cursor appends nothing", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("go"), { create: true, owner: ME });
        await store.startRun(chatId, runId, { responseId: "resp", input: [] });
        await store.recordItem(chatId, runId, outputItem("a"), 1);
        await store.recordItem(chatId, runId, outputItem("a"), 1);
        await store.recordItem(chatId, runId, outputItem("b"), 3);
        await store.recordItem(chatId, runId, outputItem("b"), 3);
        await store.recordItem(chatId, runId, outputItem("old"), 2);
        await store.recordItem(chatId, runId, outputItem("zero"), 0);
        const chat = await mustGet(chatId);
        expect(chat.history).toEqual([userItem("go"), outputItem("a"), outputItem("b")]);
        expect(chat.run?.cursor).toBe(3);
      });

      it("recordItem from two racing pollers of one run appends each item once", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("go"), { create: true, owner: ME });
        await store.startRun(chatId, runId, { responseId: "resp", input: [] });
        const items = [1, 2, 3, 4, 5].map((n) => outputItem(`item-${n}`));
        const poller = async () => {
          for (const [i, item] of items.entries()) await store.recordItem(chatId, runId, item, i + 1);
        };
        await Promise.all([poller(), poller(), poller()]);
        const chat = await mustGet(chatId);
        expect(chat.history).toEqual([userItem("go"), ...items]);
        expect(chat.run?.cursor).toBe(items.length);
      });

      it("appendHistory appends the app's own items in order", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("what time is it?"), { create: true, owner: ME });
        const call = {
          type: "function_call",
          id: "fc_1",
          call_id: "call_1",
          name: "current_time",
          arguments: "{}",
        };
        await store.recordItem(chatId, runId, call, 1);
        const outputs = [
          { type: "function_call_output", call_id: "call_1", output: "12:00" },
          { type: "function_call_output", call_id: "call_2", output: "13:00" },
        ];
        await store.appendHistory(chatId, runId, outputs);
        await store.appendHistory(chatId, runId, []);
        expect((await mustGet(chatId)).history).toEqual([userItem("what time is it?"), call, ...outputs]);
      });

      it("setConversationId keeps the agent's id for the chat's conversation across turns", async () => {
        const { chatId } = await completedChat("crash me");
        expect((await mustGet(chatId)).conversationId).toBeUndefined();
        await store.setConversationId(chatId, `${chatId}::attempt-2`);
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("and then?"), { create: false, owner: ME });
        expect((await mustGet(chatId)).conversationId).toBe(`${chatId}::attempt-2`);
        await store.setConversationId(chatId, `${chatId}::attempt-2::attempt-2`);
        expect((await mustGet(chatId)).conversationId).toBe(`${chatId}::attempt-2::attempt-2`);
        await store.setConversationId(uniqueId("gone"), "x"); // nothing to set: no error, nothing created
      });

      it("keeps a long history in order across turns, records and appends", async () => {
        const chatId = uniqueId("chat");
        const expected: UpstreamItem[] = [];
        for (let turn = 0; turn < 3; turn++) {
          const runId = uniqueId("run");
          await store.beginTurn(chatId, runId, say(`turn ${turn}`), { create: true, owner: ME });
          expected.push(userItem(`turn ${turn}`));
          await store.startRun(chatId, runId, { responseId: `resp-${turn}`, input: [] });
          for (let i = 1; i <= 12; i++) {
            const item = outputItem(`t${turn}-i${i}`);
            await store.recordItem(chatId, runId, item, i);
            expected.push(item);
            if (i % 5 === 0) {
              const own = { type: "function_call_output", call_id: `t${turn}-c${i}`, output: String(i) };
              await store.appendHistory(chatId, runId, [own]);
              expected.push(own);
            }
          }
          await store.finishRun(chatId, runId, "completed", assistantMessage(runId, `answer ${turn}`));
        }
        const chat = await mustGet(chatId);
        expect(chat.history).toEqual(expected);
        expect(chat.messages.map((m) => m.role)).toEqual([
          "user",
          "assistant",
          "user",
          "assistant",
          "user",
          "assistant",
        ]);
        expect(chat.messages.map((m) => (m.parts[0]?.type === "text" ? m.parts[0].text : ""))).toEqual([
          "turn 0",
          "answer 0",
          "turn 1",
          "answer 1",
          "turn 2",
          "answer 2",
        ]);
      });

      it("ignores writes for a run that is not the chat's current one", async () => {
        const { chatId, runId: oldRun } = await completedChat("first");
        const newRun = uniqueId("run");
        await store.beginTurn(chatId, newRun, say("second"), { create: false, owner: ME });
        await store.startRun(chatId, newRun, { responseId: "resp-new", input: [userItem("second")] });
        await store.recordItem(chatId, newRun, outputItem("new-1"), 1);
        const before = await mustGet(chatId);
        await sleep(3);

        await store.startRun(chatId, oldRun, { responseId: "resp-stale", input: [] });
        await store.recordItem(chatId, oldRun, outputItem("stale"), 99);
        await store.appendHistory(chatId, oldRun, [outputItem("stale-own")]);
        await store.finishRun(
          chatId,
          oldRun,
          "failed",
          assistantMessage(oldRun, "stale answer"),
          "stale error",
        );
        await store.finishRun(chatId, oldRun, "running", assistantMessage(uniqueId("msg"), "stale snapshot"));
        expect(await store.getChat(chatId)).toEqual(before);

        // An unknown run or chat is ignored as well, without an error.
        await store.recordItem(chatId, uniqueId("run"), outputItem("x"), 1);
        await store.finishRun(chatId, uniqueId("run"), "completed", assistantMessage(uniqueId("m"), "x"));
        const nowhere = uniqueId("chat");
        await store.startRun(nowhere, newRun, { responseId: "r", input: [] });
        await store.recordItem(nowhere, newRun, outputItem("x"), 1);
        await store.appendHistory(nowhere, newRun, [outputItem("x")]);
        await store.finishRun(nowhere, newRun, "completed", assistantMessage(newRun, "x"));
        expect(await store.getChat(chatId)).toEqual(before);
        expect(await store.getChat(nowhere)).toBeUndefined();
      });

      it("startRun refuses (and stores nothing) once the run was stopped or replaced", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("go"), { create: true, owner: ME });
        expect(await store.startRun(chatId, runId, { responseId: "resp_1", input: [] })).toBe(true);
        await store.finishRun(chatId, runId, "cancelled", undefined, "Stopped by the user.");
        expect(await store.startRun(chatId, runId, { responseId: "resp_late", input: [] })).toBe(false);
        expect((await mustGet(chatId)).run).toMatchObject({ responseId: "resp_1", state: "cancelled" });
        expect(await store.startRun(uniqueId("chat"), runId, { responseId: "r", input: [] })).toBe(false);
      });

      it("checkRun counts polls and reports the state; undefined for a replaced or deleted run", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("go"), { create: true, owner: ME });
        expect(await store.checkRun(chatId, runId, 0)).toEqual({ state: "running" });
        await store.startRun(chatId, runId, { responseId: "resp_1", input: [] });
        expect(await store.checkRun(chatId, runId, 3)).toEqual({ state: "running", responseId: "resp_1" });
        await Promise.all([store.checkRun(chatId, runId, 2), store.checkRun(chatId, runId, 4)]);
        expect((await mustGet(chatId)).run?.polls).toBe(9);

        await store.finishRun(chatId, runId, "cancelled");
        expect(await store.checkRun(chatId, runId, 1)).toEqual({ state: "cancelled", responseId: "resp_1" });

        await store.beginTurn(chatId, uniqueId("run"), say("again"), { create: false, owner: ME });
        expect(await store.checkRun(chatId, runId, 1)).toBeUndefined();
        await store.deleteChat(chatId);
        expect(await store.checkRun(chatId, runId, 1)).toBeUndefined();
      });

      it("checkRuns checks many runs in one call, in order, adding up the polls of a run asked for twice", async () => {
        const [a, b, replaced] = [uniqueId("chat"), uniqueId("chat"), uniqueId("chat")];
        const [runA, runB, oldRun] = [uniqueId("run"), uniqueId("run"), uniqueId("run")];
        await store.beginTurn(a, runA, say("go"), { create: true, owner: ME });
        await store.beginTurn(b, runB, say("go"), { create: true, owner: ME });
        await store.beginTurn(replaced, oldRun, say("go"), { create: true, owner: ME });
        await store.startRun(b, runB, { responseId: "resp_b", input: [] });
        await store.finishRun(b, runB, "cancelled");
        await store.finishRun(replaced, oldRun, "completed");
        await store.beginTurn(replaced, uniqueId("run"), say("again"), { create: false, owner: ME });

        expect(await store.checkRuns([])).toEqual([]);
        expect(
          await store.checkRuns([
            { chatId: b, runId: runB, polls: 2 },
            { chatId: a, runId: runA, polls: 3 },
            { chatId: replaced, runId: oldRun, polls: 5 },
            { chatId: a, runId: runA, polls: 4 },
            { chatId: uniqueId("chat"), runId: runA, polls: 1 },
          ]),
        ).toEqual([
          { state: "cancelled", responseId: "resp_b" },
          { state: "running" },
          undefined,
          { state: "running" },
          undefined,
        ]);
        expect((await mustGet(a)).run?.polls).toBe(7);
        expect((await mustGet(b)).run?.polls).toBe(2);
        expect((await mustGet(replaced)).run?.polls).toBe(0);
      });

      it("claimNextCycle lets exactly one of several racing streams take a cycle", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("what time is it?"), { create: true, owner: ME });
        await store.startRun(chatId, runId, { responseId: "resp_1", input: [] });

        const claims = await Promise.all(
          [1, 2, 3, 4].map(() => store.claimNextCycle(chatId, runId, "resp_1")),
        );
        expect(claims.filter((claim) => claim === "claimed")).toHaveLength(1);
        expect(claims.filter((claim) => claim === "held")).toHaveLength(3);
        expect(await store.claimNextCycle(chatId, runId, "resp_1")).toBe("held");
        // A response the run is not on (an older cycle, or one never seen) cannot be claimed.
        expect(await store.claimNextCycle(chatId, runId, "resp_0")).toBe("held");

        // The winner submits the next cycle; the one after it can be claimed again, once.
        await store.startRun(chatId, runId, { responseId: "resp_2", input: [] });
        expect(await store.claimNextCycle(chatId, runId, "resp_2")).toBe("claimed");
        expect(await store.claimNextCycle(chatId, runId, "resp_2")).toBe("held");

        // Nothing to claim in a run that ended or is not the chat's current one.
        await store.startRun(chatId, runId, { responseId: "resp_3", input: [] });
        await store.finishRun(chatId, runId, "completed");
        expect(await store.claimNextCycle(chatId, runId, "resp_3")).toBe("held");
        expect(await store.claimNextCycle(chatId, uniqueId("run"), "resp_3")).toBe("held");
      });

      it("claimNextCycle hands a claim whose holder never submitted to the next stream after the TTL", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("what time is it?"), { create: true, owner: ME });
        await store.startRun(chatId, runId, { responseId: "resp_1", input: [] });
        expect(await store.claimNextCycle(chatId, runId, "resp_1")).toBe("claimed");
        vi.useFakeTimers({ toFake: ["Date"] });
        try {
          vi.setSystemTime(Date.now() + CYCLE_CLAIM_TTL_MS - 1000);
          expect(await store.claimNextCycle(chatId, runId, "resp_1")).toBe("held");
          vi.setSystemTime(Date.now() + 2000);
          expect(await store.claimNextCycle(chatId, runId, "resp_1")).toBe("claimed");
          expect(await store.claimNextCycle(chatId, runId, "resp_1")).toBe("held");
        } finally {
          vi.useRealTimers();
        }
      });

      it("claimNextCycle never hands over a claim whose holder sent the next create: the run is interrupted", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("what time is it?"), { create: true, owner: ME });
        await store.startRun(chatId, runId, { responseId: "resp_1", input: [] });
        expect(await store.claimNextCycle(chatId, runId, "resp_1")).toBe("claimed");
        // Marking a cycle nobody claimed, or an older one, changes nothing; the holder marks its own once.
        expect(await store.markCreateSent(chatId, runId, "resp_0")).toBe(false);
        expect(await store.markCreateSent(chatId, runId, "resp_1")).toBe(true);
        expect(await store.markCreateSent(chatId, runId, "resp_1")).toBe(false);
        vi.useFakeTimers({ toFake: ["Date"] });
        try {
          vi.setSystemTime(Date.now() + CYCLE_CLAIM_TTL_MS - 1000);
          expect(await store.claimNextCycle(chatId, runId, "resp_1")).toBe("held");
          // Its holder died between sending the create and storing the answer: the response may be running
          // upstream, with no id to find it by.
          vi.setSystemTime(Date.now() + 2000);
          expect(await store.claimNextCycle(chatId, runId, "resp_1")).toBe("interrupted");
          expect(await store.claimNextCycle(chatId, runId, "resp_1")).toBe("interrupted");
        } finally {
          vi.useRealTimers();
        }
      });

      it("markCreateSent lets exactly one of several racing streams send a run's first create", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("hello"), { create: true, owner: ME });
        expect((await mustGet(chatId)).run?.createSent).toBeUndefined();
        const marks = await Promise.all([1, 2, 3].map(() => store.markCreateSent(chatId, runId, null)));
        expect(marks.filter(Boolean)).toHaveLength(1);
        expect((await mustGet(chatId)).run?.createSent).toBe(true);
        // Its answer stored, the run is on its response: nothing is left to send for the first cycle.
        await store.startRun(chatId, runId, { responseId: "resp_1", input: [] });
        expect((await mustGet(chatId)).run?.createSent).toBeUndefined();
        expect(await store.markCreateSent(chatId, runId, null)).toBe(false);
        // Nor for a run that ended, or is not the chat's current one.
        await store.finishRun(chatId, runId, "completed");
        expect(await store.markCreateSent(chatId, uniqueId("run"), null)).toBe(false);
      });

      it("startRun with the cycle it expects stores exactly one of several racing streams' run ids", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("hello"), { create: true, owner: ME });
        const first = await Promise.all(
          ["run_a", "run_b", "run_c"].map((id) =>
            store.startRun(chatId, runId, { responseId: id, input: [] }, null),
          ),
        );
        expect(first.filter(Boolean)).toHaveLength(1);
        const winner = (await mustGet(chatId)).run?.responseId as string;
        expect(["run_a", "run_b", "run_c"]).toContain(winner);
        // The next cycle: only its claim's holder stores the next id, once.
        expect(await store.startRun(chatId, runId, { responseId: "run_d", input: [] }, winner)).toBe(false);
        expect(await store.claimNextCycle(chatId, runId, winner)).toBe("claimed");
        expect(await store.startRun(chatId, runId, { responseId: "run_d", input: [] }, winner)).toBe(true);
        expect(await store.startRun(chatId, runId, { responseId: "run_e", input: [] }, winner)).toBe(false);
        expect((await mustGet(chatId)).run?.responseId).toBe("run_d");
      });

      it("a stored answer to the sent create clears the mark: the next cycle's claim lapses as usual", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("what time is it?"), { create: true, owner: ME });
        await store.startRun(chatId, runId, { responseId: "resp_1", input: [] });
        expect(await store.claimNextCycle(chatId, runId, "resp_1")).toBe("claimed");
        expect(await store.markCreateSent(chatId, runId, "resp_1")).toBe(true);
        await store.startRun(chatId, runId, { responseId: "resp_2", input: [] });
        expect(await store.claimNextCycle(chatId, runId, "resp_2")).toBe("claimed");
        vi.useFakeTimers({ toFake: ["Date"] });
        try {
          vi.setSystemTime(Date.now() + CYCLE_CLAIM_TTL_MS + 1000);
          expect(await store.claimNextCycle(chatId, runId, "resp_2")).toBe("claimed");
        } finally {
          vi.useRealTimers();
        }
      });

      it("finishRun with `running` only snapshots the assistant message, in place", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        const question = userMessage("explain");
        await store.beginTurn(chatId, runId, say("explain", question), { create: true, owner: ME });
        const created = await mustGet(chatId);
        await sleep(3);

        await store.finishRun(chatId, runId, "running", assistantMessage(runId, "part one"));
        let chat = await mustGet(chatId);
        expect(chat.run).toMatchObject({ runId, state: "running" });
        expect(chat.run?.finishedAt).toBeUndefined();
        expect(chat.messages).toEqual([question, assistantMessage(runId, "part one")]);
        expect(chat.updatedAt).toBeGreaterThan(created.updatedAt);

        await store.finishRun(chatId, runId, "running", assistantMessage(runId, "part one, part two"));
        chat = await mustGet(chatId);
        expect(chat.messages).toEqual([question, assistantMessage(runId, "part one, part two")]);

        // A message without parts is not stored (nor does it remove the snapshot).
        await store.finishRun(chatId, runId, "running", { id: runId, role: "assistant", parts: [] });
        expect((await mustGet(chatId)).messages).toEqual([
          question,
          assistantMessage(runId, "part one, part two"),
        ]);

        const before = Date.now();
        await store.finishRun(chatId, runId, "completed", assistantMessage(runId, "the whole answer"));
        chat = await mustGet(chatId);
        expect(chat.run).toMatchObject({ runId, state: "completed" });
        expect(chat.run?.finishedAt).toBeGreaterThanOrEqual(before);
        expect(chat.run?.error).toBeUndefined();
        expect(chat.messages).toEqual([question, assistantMessage(runId, "the whole answer")]);
      });

      it("keeps an answer's usage with it: a snapshot's, then the finished answer's (a reload shows it)", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("what did it cost?"), { create: true, owner: ME });
        const withUsage = (text: string, usage: AnswerUsage): ChatMessage => ({
          ...assistantMessage(runId, text),
          metadata: { usage },
        });
        const partway: AnswerUsage = {
          durationMs: 0,
          cycles: 1,
          toolCalls: 1,
          tokens: { input: 10, output: 4 },
        };
        await store.finishRun(chatId, runId, "running", withUsage("so far", partway));
        expect(usageOf((await mustGet(chatId)).messages.at(-1))).toEqual(partway);
        const done: AnswerUsage = {
          durationMs: 4_250,
          cycles: 2,
          toolCalls: 1,
          tokens: { input: 30, output: 12, reasoning: 8 },
        };
        await store.finishRun(chatId, runId, "completed", withUsage("done", done));
        const stored = usageOf((await mustGet(chatId)).messages.at(-1));
        expect(stored).toEqual(done);
        // No detail was reported for cached input: none comes back as a zero.
        expect(stored?.tokens).not.toHaveProperty("cached");
      });

      it("finishRun ends a run with its state and error; without a message it keeps the transcript", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("fail please"), { create: true, owner: ME });
        await store.finishRun(chatId, runId, "failed", undefined, "The agent failed: boom");
        const chat = await mustGet(chatId);
        expect(chat.run).toMatchObject({ runId, state: "failed", error: "The agent failed: boom" });
        expect(chat.run?.finishedAt).toEqual(expect.any(Number));
        expect(chat.messages).toHaveLength(1);

        for (const state of ["cancelled", "incomplete", "expired", "error"] as const) {
          const id = uniqueId("chat");
          const run = uniqueId("run");
          await store.beginTurn(id, run, say(state), { create: true, owner: ME });
          await store.finishRun(id, run, state, assistantMessage(run, state));
          expect((await mustGet(id)).run).toMatchObject({ state });
          expect((await store.listChats(ME.id, 1000)).find((c) => c.id === id)?.running).toBe(false);
        }
      });

      it("continues a run id in a later turn (an approval continues the message that asked)", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("search the web"), { create: true, owner: ME });
        await store.startRun(chatId, runId, { responseId: "resp-1", input: [userItem("search the web")] });
        const request = {
          type: "mcp_approval_request",
          id: "mcpr_1",
          server_label: "web",
          name: "search",
          arguments: '{"q":"x"}',
        };
        await store.recordItem(chatId, runId, request, 1);
        await store.finishRun(chatId, runId, "completed", assistantMessage(runId, "may I search?"));
        const before = await mustGet(chatId);

        const response = { type: "mcp_approval_response", approval_request_id: "mcpr_1", approve: true };
        const chat = await store.beginTurn(chatId, runId, () => ({ items: [response] }), {
          create: false,
          owner: ME,
        });
        expect(chat.messages).toEqual(before.messages);
        expect(chat.history).toEqual([...before.history, response]);
        expect(chat.run).toEqual({
          runId,
          state: "running",
          cursor: 0,
          startedAt: expect.any(Number),
          input: [],
          polls: 0,
        });

        await store.startRun(chatId, runId, { responseId: "resp-2", input: chat.history });
        await store.recordItem(chatId, runId, outputItem("after-approval"), 1);
        await store.finishRun(chatId, runId, "completed", assistantMessage(runId, "may I search? Searched."));
        const done = await mustGet(chatId);
        expect(done.history).toEqual([...before.history, response, outputItem("after-approval")]);
        expect(done.messages).toEqual([
          before.messages[0],
          assistantMessage(runId, "may I search? Searched."),
        ]);
        expect(done.run).toMatchObject({ runId, responseId: "resp-2", state: "completed", cursor: 1 });
      });
    });

    describe("JSON", () => {
      it("round-trips items, inputs and messages with nested and unknown fields", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        const odd: UpstreamItem = {
          type: "some_future_item",
          id: "fut_1",
          status: null,
          nested: { deeper: { deepest: [1, -2.5, 1e21, 2 ** 53 - 1, true, false, null, "", [], {}] } },
          unicode: 'naïve — 東京 🚀 "quoted" \\backslash\\ \\u0000 as text\n\ttabbed',
          empty: {},
          list: [{ a: 1 }, { b: [{ c: "d" }] }],
        };
        const message: ChatMessage = {
          id: uniqueId("u"),
          role: "user",
          metadata: { client: { sentAt: 123, tags: ["x"] } },
          parts: [{ type: "text", text: "🚀 unicode ✓", providerMetadata: { p: { q: 1 } } }],
        };
        await store.beginTurn(chatId, runId, () => ({ message, items: [odd] }), { create: true, owner: ME });
        const input = [odd, { type: "function_call_output", call_id: "c", output: '{"json":"in a string"}' }];
        await store.startRun(chatId, runId, { responseId: "resp", input });
        const reasoning = {
          type: "reasoning",
          id: "rs_1",
          summary: [{ type: "summary_text", text: "thinking" }],
          encrypted_content: null,
        };
        await store.recordItem(chatId, runId, reasoning, 1);
        const answer = {
          id: runId,
          role: "assistant",
          metadata: { usage: { tokens: 42 } },
          parts: [
            { type: "step-start" },
            { type: "reasoning", text: "thinking", state: "done" },
            {
              type: "dynamic-tool",
              toolName: "web_search",
              toolCallId: "call_9",
              state: "output-available",
              input: { query: "x", opts: { n: 3 } },
              output: { results: [{ url: "https://example.com", score: 0.5 }] },
            },
            { type: "data-run-outcome", id: "run-outcome", data: { status: "failed", message: "nope" } },
            { type: "text", text: "done", state: "done" },
          ],
        } as ChatMessage;
        await store.finishRun(chatId, runId, "completed", answer);
        const chat = await mustGet(chatId);
        expect(chat.history).toEqual([odd, reasoning]);
        expect(chat.run?.input).toEqual(input);
        expect(chat.messages).toEqual([message, answer]);
        expect(chat.messages[0]?.metadata).toEqual(message.metadata);
      });
    });

    describe("listChats", () => {
      it("marks a chat whose last run ended without its answer, not one stopped or answered", async () => {
        const ended = async (state: RunState) => {
          const chatId = uniqueId("chat");
          const runId = uniqueId("run");
          await store.beginTurn(chatId, runId, say(`ended ${state}`), { create: true, owner: ME });
          await store.finishRun(chatId, runId, state, undefined, state === "completed" ? undefined : "why");
          return chatId;
        };
        const failed = await Promise.all((["failed", "expired", "incomplete", "error"] as const).map(ended));
        const fine = await Promise.all((["completed", "cancelled"] as const).map(ended));
        const list = await store.listChats(ME.id, 1000);
        for (const id of failed) expect(list.find((s) => s.id === id)?.failed, id).toBe(true);
        for (const id of fine) expect(list.find((s) => s.id === id)).not.toHaveProperty("failed");
        const found = await store.searchChats(ME.id, "ended error", 1000);
        expect(found.find((s) => s.id === failed[3])?.failed).toBe(true);
        // A new run of a failed chat clears the mark while it runs.
        await store.beginTurn(failed[0] as string, uniqueId("run"), say("again"), {
          create: false,
          owner: ME,
        });
        const again = (await store.listChats(ME.id, 1000)).find((s) => s.id === failed[0]);
        expect(again).toMatchObject({ running: true });
        expect(again).not.toHaveProperty("failed");
      });

      it("marks a chat waiting for an approval, and one whose end its person has not seen until they do", async () => {
        const asking: ChatMessage = {
          id: uniqueId("answer"),
          role: "assistant",
          parts: [
            {
              type: "dynamic-tool",
              toolName: "delete_rows",
              toolCallId: "mcpr_1",
              state: "approval-requested",
              input: {},
              approval: { id: "mcpr_1" },
            },
          ],
        } as ChatMessage;
        const waiting = { chatId: uniqueId("chat"), runId: uniqueId("run") };
        const answered = { chatId: uniqueId("chat"), runId: uniqueId("run") };
        const stopped = { chatId: uniqueId("chat"), runId: uniqueId("run") };
        for (const { chatId, runId } of [waiting, answered, stopped])
          await store.beginTurn(chatId, runId, say("go"), { create: true, owner: ME });
        const summary = async (chatId: string) =>
          (await store.listChats(ME.id, 1000)).find((s) => s.id === chatId);
        // Sent just now: nothing unread while it runs.
        expect(await summary(answered.chatId)).not.toHaveProperty("unread");
        await sleep(5);
        await store.finishRun(waiting.chatId, waiting.runId, "completed", asking);
        await store.finishRun(
          answered.chatId,
          answered.runId,
          "completed",
          assistantMessage(answered.runId, "hi"),
        );
        await store.finishRun(stopped.chatId, stopped.runId, "cancelled", undefined, "Stopped by the user.");

        expect(await summary(waiting.chatId)).toMatchObject({ awaitingApproval: true, unread: true });
        expect(await summary(answered.chatId)).toMatchObject({ unread: true });
        expect(await summary(answered.chatId)).not.toHaveProperty("awaitingApproval");
        // A Stop is the person's own doing: nothing new to see.
        expect(await summary(stopped.chatId)).not.toHaveProperty("unread");
        const found = await store.searchChats(ME.id, "go", 1000);
        expect(found.find((s) => s.id === waiting.chatId)).toMatchObject({
          awaitingApproval: true,
          unread: true,
        });

        await sleep(5);
        expect(await store.markSeen(answered.chatId, ME.id)).toBe(true);
        expect(await summary(answered.chatId)).not.toHaveProperty("unread");
        expect(await store.markSeen(answered.chatId, SOMEONE_ELSE.id)).toBe(false);
        expect(await store.markSeen(uniqueId("chat"), ME.id)).toBe(false);
        // Deciding starts the next run: no longer waiting, and seen.
        await store.beginTurn(waiting.chatId, uniqueId("run"), say("approved"), { create: false, owner: ME });
        const decided = await summary(waiting.chatId);
        expect(decided).toMatchObject({ running: true });
        expect(decided).not.toHaveProperty("awaitingApproval");
        expect(decided).not.toHaveProperty("unread");
      });

      it("lists the most recently updated chats first, with whether a run is in progress", async () => {
        const a = await completedChat("chat a");
        await sleep(5);
        const b = { chatId: uniqueId("chat"), runId: uniqueId("run") };
        await store.beginTurn(b.chatId, b.runId, say("chat b"), { create: true, owner: ME });
        await sleep(5);
        const c = await completedChat("chat c");
        await sleep(5);

        const ours = (list: Array<{ id: string }>) =>
          list.filter((s) => [a.chatId, b.chatId, c.chatId].includes(s.id)).map((s) => s.id);
        let list = await store.listChats(ME.id, 1000);
        expect(ours(list)).toEqual([c.chatId, b.chatId, a.chatId]);
        for (let i = 1; i < list.length; i++)
          expect(list[i - 1]?.updatedAt).toBeGreaterThanOrEqual(list[i]?.updatedAt ?? 0);
        const chatB = await mustGet(b.chatId);
        expect(list.find((s) => s.id === b.chatId)).toEqual({
          id: b.chatId,
          title: "chat b",
          createdAt: chatB.createdAt,
          updatedAt: chatB.updatedAt,
          running: true,
        });
        expect(list.find((s) => s.id === a.chatId)?.running).toBe(false);

        // Finishing b's run (or snapshotting it) moves it to the top.
        await store.finishRun(b.chatId, b.runId, "running", assistantMessage(b.runId, "working"));
        list = await store.listChats(ME.id, 1000);
        expect(ours(list)).toEqual([b.chatId, c.chatId, a.chatId]);
        expect(list.find((s) => s.id === b.chatId)?.running).toBe(true);
        await sleep(5);
        await store.finishRun(b.chatId, b.runId, "completed", assistantMessage(b.runId, "done"));
        await sleep(5);

        // A new turn moves a to the top, running.
        await store.beginTurn(a.chatId, uniqueId("run"), say("again"), { create: false, owner: ME });
        list = await store.listChats(ME.id, 1000);
        expect(ours(list)).toEqual([a.chatId, b.chatId, c.chatId]);
        expect(list.filter((s) => ours([s]).length > 0).map((s) => s.running)).toEqual([true, false, false]);

        // A limit keeps the newest.
        const top = await store.listChats(ME.id, 2);
        expect(top.map((s) => s.id)).toEqual([a.chatId, b.chatId]);
        expect(await store.listChats(ME.id, 0)).toEqual([]);
      });
    });

    describe("renameChat", () => {
      it("renames the owner's chat, keeps its place in the list, and no later turn replaces the title", async () => {
        const { chatId, runId } = await completedChat("the first question");
        const before = await mustGet(chatId);
        expect(await store.renameChat(chatId, "Quarterly numbers", ME.id)).toBe(true);
        const after = await mustGet(chatId);
        expect(after.title).toBe("Quarterly numbers");
        expect(after.updatedAt).toBe(before.updatedAt);
        expect(after.messages).toEqual(before.messages);
        expect((await store.listChats(ME.id, 1000)).find((c) => c.id === chatId)?.title).toBe(
          "Quarterly numbers",
        );

        const next = uniqueId("run");
        await store.beginTurn(chatId, next, say("a second question"), { create: false, owner: ME });
        await store.finishRun(chatId, next, "completed", assistantMessage(next, "second answer"));
        expect((await mustGet(chatId)).title).toBe("Quarterly numbers");
        expect(before.run?.runId).toBe(runId);
      });

      it("finds nothing for someone else or a missing chat, and changes nothing", async () => {
        const { chatId } = await completedChat("mine to name");
        expect(await store.renameChat(chatId, "Hijacked", SOMEONE_ELSE.id)).toBe(false);
        expect(await store.renameChat(uniqueId("chat"), "Nowhere", ME.id)).toBe(false);
        expect((await mustGet(chatId)).title).toBe("mine to name");
      });

      it("can rename a chat while its run is in progress, and the run goes on", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("still running"), { create: true, owner: ME });
        expect(await store.renameChat(chatId, "Renamed mid-run", ME.id)).toBe(true);
        await store.finishRun(chatId, runId, "completed", assistantMessage(runId, "done"));
        const chat = await mustGet(chatId);
        expect(chat.title).toBe("Renamed mid-run");
        expect(chat.run?.state).toBe("completed");
      });
    });

    describe("searchChats", () => {
      /** A chat with a question and an answer, both words unique to the test. */
      async function answeredChat(question: string, answer: string, owner = ME) {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say(question), { create: true, owner });
        await store.finishRun(chatId, runId, "completed", {
          id: runId,
          role: "assistant",
          parts: [
            { type: "reasoning", text: `thinking about ${question} zebrareason` },
            { type: "text", text: answer },
          ],
        });
        return chatId;
      }

      it("matches titles and the text of questions and answers, ignoring case, newest first", async () => {
        const tag = uniqueId("t").replace(/[^a-z0-9]/gi, "");
        const byTitle = await answeredChat(`Budget ${tag}Alpha plans`, "Nothing special here.");
        await sleep(5);
        const byAnswer = await answeredChat(
          "Where are the numbers?",
          `The ${tag}ALPHA figures are in the sheet.`,
        );
        await sleep(5);
        const other = await answeredChat("Unrelated", "Nothing to see.");

        const found = await store.searchChats(ME.id, `${tag}alpha`);
        expect(found.map((c) => c.id)).toEqual([byAnswer, byTitle]);
        expect(found[1]).toEqual((await store.listChats(ME.id, 1000)).find((c) => c.id === byTitle));
        expect(found[0]?.snippet).toBe(`The ${tag}ALPHA figures are in the sheet.`);
        expect(found.some((c) => c.id === other)).toBe(false);
        // A later message that is not the chat's first is found too, and reasoning is not searched.
        expect((await store.searchChats(ME.id, "zebrareason")).map((c) => c.id)).not.toContain(byTitle);
        expect(await store.searchChats(ME.id, `${tag}alpha`, 1)).toHaveLength(1);
      });

      it("a renamed chat is found by its new title, not its old one", async () => {
        const tag = uniqueId("r").replace(/[^a-z0-9]/gi, "");
        const chatId = await answeredChat(`Old ${tag}name`, "An answer.");
        await store.renameChat(chatId, `Fresh ${tag}label`, ME.id);
        expect((await store.searchChats(ME.id, `${tag}label`)).map((c) => c.id)).toEqual([chatId]);
        expect((await store.searchChats(ME.id, `Old ${tag}name`)).map((c) => c.id)).toEqual([chatId]);
        expect((await store.searchChats(ME.id, `Old ${tag}name`))[0]?.snippet).toBe(`Old ${tag}name`);
      });

      it("treats %, _ and \\ as plain characters", async () => {
        const tag = uniqueId("e").replace(/[^a-z0-9]/gi, "");
        const percent = await answeredChat(`${tag} grew 50% this year`, "ok");
        const underscore = await answeredChat(`${tag} the sales_total column`, "ok");
        const backslash = await answeredChat(`${tag} path C:\\data`, "ok");
        const plain = await answeredChat(`${tag} grew 500 this year, salesXtotal`, "ok");
        const ids = async (q: string) => (await store.searchChats(ME.id, q)).map((c) => c.id);
        expect(await ids(`${tag} grew 50%`)).toEqual([percent]);
        expect(await ids("sales_total")).toContain(underscore);
        expect(await ids("sales_total")).not.toContain(plain);
        expect(await ids(`${tag} path C:\\d`)).toEqual([backslash]);
        expect(await ids(`${tag}%`)).toEqual([]);
        expect(await ids(`${tag}_`)).toEqual([]);
      });

      it("finds only the owner's chats", async () => {
        const tag = uniqueId("o").replace(/[^a-z0-9]/gi, "");
        const mine = await answeredChat(`My ${tag}secret`, "mine");
        const theirs = await answeredChat(`Their ${tag}secret`, `also ${tag}secret`, SOMEONE_ELSE);
        expect((await store.searchChats(ME.id, `${tag}secret`)).map((c) => c.id)).toEqual([mine]);
        expect((await store.searchChats(SOMEONE_ELSE.id, `${tag}secret`)).map((c) => c.id)).toEqual([theirs]);
        expect(await store.searchChats("anon:nobody", `${tag}secret`)).toEqual([]);
      });
    });

    describe("deleteChat", () => {
      it("removes the chat with its messages, history and runs", async () => {
        const { chatId } = await completedChat("to be deleted");
        expect(await store.deleteChat(chatId)).toBe(true);
        expect(await store.getChat(chatId)).toBeUndefined();
        expect((await store.listChats(ME.id, 1000)).some((c) => c.id === chatId)).toBe(false);
        expect(await store.deleteChat(chatId)).toBe(false);

        // The id starts afresh.
        const runId = uniqueId("run");
        const chat = await store.beginTurn(chatId, runId, say("reborn"), { create: true, owner: ME });
        expect(chat.title).toBe("reborn");
        expect(chat.messages).toHaveLength(1);
        expect(chat.history).toEqual([userItem("reborn")]);
        expect(chat.run).toMatchObject({ runId, state: "running", cursor: 0 });
      });

      it("with unlessRunning, refuses (deleting nothing) while a run is in progress", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("busy"), { create: true, owner: ME });
        await expect(store.deleteChat(chatId, { unlessRunning: true })).rejects.toBeInstanceOf(ChatBusyError);
        expect((await store.getChat(chatId))?.run?.state).toBe("running");
        await store.finishRun(chatId, runId, "completed");
        expect(await store.deleteChat(chatId, { unlessRunning: true })).toBe(true);
        expect(await store.deleteChat(chatId, { unlessRunning: true })).toBe(false);
      });

      it("can delete a chat while its run is in progress; the run's writes then go nowhere", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("running"), { create: true, owner: ME });
        expect(await store.deleteChat(chatId)).toBe(true);
        await store.startRun(chatId, runId, { responseId: "r", input: [] });
        await store.recordItem(chatId, runId, outputItem("late"), 1);
        await store.appendHistory(chatId, runId, [outputItem("late-own")]);
        await store.finishRun(chatId, runId, "completed", assistantMessage(runId, "late"));
        expect(await store.getChat(chatId)).toBeUndefined();
      });
    });

    describe("owners", () => {
      it("shows a chat only to its owner: reads, lists, turns and deletes by anyone else find nothing", async () => {
        const { chatId, runId } = await completedChat("private");
        const before = await mustGet(chatId);
        expect(await store.getChat(chatId, ME.id)).toEqual(before);
        expect(await store.getChat(chatId, SOMEONE_ELSE.id)).toBeUndefined();
        expect((await store.listChats(ME.id, 1000)).some((c) => c.id === chatId)).toBe(true);
        expect((await store.listChats(SOMEONE_ELSE.id, 1000)).some((c) => c.id === chatId)).toBe(false);

        let prepared = false;
        const intrude = () => {
          prepared = true;
          return { message: userMessage("taken over"), items: [userItem("taken over")] };
        };
        for (const create of [true, false]) {
          await expect(
            store.beginTurn(chatId, uniqueId("run"), intrude, { create, owner: SOMEONE_ELSE }),
          ).rejects.toBeInstanceOf(ChatNotFoundError);
        }
        expect(prepared).toBe(false);
        expect(await store.deleteChat(chatId, { ownerId: SOMEONE_ELSE.id })).toBe(false);
        expect(await store.getChat(chatId)).toEqual(before);
        expect(before.run?.runId).toBe(runId);

        // Someone else's own chats are theirs alone.
        const theirs = uniqueId("chat");
        await store.beginTurn(theirs, uniqueId("run"), say("theirs"), { create: true, owner: SOMEONE_ELSE });
        expect((await store.listChats(SOMEONE_ELSE.id, 1000)).map((c) => c.id)).toContain(theirs);
        expect(await store.getChat(theirs, ME.id)).toBeUndefined();
        expect(await store.deleteChat(theirs, { ownerId: SOMEONE_ELSE.id })).toBe(true);
      });

      it("moves one person's chats and push subscriptions to another, and nobody else's", async () => {
        const from = { id: uniqueId("anon") };
        const to = { id: uniqueId("fwd"), email: `${uniqueId("person")}@example.com` };
        const first = uniqueId("chat");
        const second = uniqueId("chat");
        const firstRun = uniqueId("run");
        await store.beginTurn(first, firstRun, say("asked anonymously"), { create: true, owner: from });
        await store.startRun(first, firstRun, { responseId: `resp-${firstRun}`, input: [userItem("asked")] });
        await store.finishRun(first, firstRun, "completed", assistantMessage(firstRun, "answered"));
        await store.beginTurn(second, uniqueId("run"), say("and again"), { create: true, owner: from });
        const { chatId: mine } = await completedChat("stays mine");
        const endpoint = `https://push.example/${uniqueId("endpoint")}`;
        await store.savePushSubscription(from.id, { endpoint, keys: { p256dh: "p", auth: "a" } });

        expect(await store.moveChats(from.id, to)).toBe(2);
        expect((await store.listChats(to.id, 1000)).map((c) => c.id).sort()).toEqual([first, second].sort());
        expect(await store.listChats(from.id, 1000)).toEqual([]);
        expect((await store.getChat(first, to.id))?.messages[0]?.parts).toEqual([
          { type: "text", text: "asked anonymously" },
        ]);
        expect(await store.getChat(mine, ME.id)).toBeDefined();
        expect((await store.listPushSubscriptions(to.id)).map((p) => p.endpoint)).toEqual([endpoint]);
        expect(await store.listPushSubscriptions(from.id)).toEqual([]);
        // The moved chats take turns as their new owner's.
        await store.beginTurn(first, uniqueId("run"), say("signed in now"), { create: false, owner: to });
        expect(await store.moveChats(from.id, to)).toBe(0);
      });

      it("a missing chat without `create` is refused with ChatNotFoundError, storing nothing", async () => {
        const chatId = uniqueId("chat");
        await expect(
          store.beginTurn(chatId, uniqueId("run"), say("x"), { create: false, owner: ME }),
        ).rejects.toBeInstanceOf(ChatNotFoundError);
        expect(await store.getChat(chatId)).toBeUndefined();
      });
    });

    describe("approvals audit log", () => {
      it("records the decisions of a turn's approval responses, and nothing for a refused turn", async (ctx) => {
        const approvals = harness.approvals;
        if (!approvals) return ctx.skip();
        const { chatId, runId } = await completedChat("needs approval");
        expect(await approvals(chatId)).toEqual([]);

        const responses = [
          { type: "mcp_approval_response", approval_request_id: "mcpr_a", approve: true },
          {
            type: "mcp_approval_response",
            approval_request_id: "mcpr_b",
            approve: false,
            reason: "not that one",
          },
        ];
        await expect(
          store.beginTurn(
            chatId,
            runId,
            () => {
              throw new Error("refused");
            },
            { create: false, owner: ME },
          ),
        ).rejects.toThrow("refused");
        expect(await approvals(chatId)).toEqual([]);

        const before = Date.now();
        await store.beginTurn(chatId, runId, () => ({ items: responses }), { create: false, owner: ME });
        const rows = await approvals(chatId);
        expect(rows).toEqual([
          {
            approvalRequestId: "mcpr_a",
            runId,
            approve: true,
            decidedAt: expect.any(Number),
            decidedBy: ME.id,
          },
          {
            approvalRequestId: "mcpr_b",
            runId,
            approve: false,
            reason: "not that one",
            decidedAt: expect.any(Number),
            decidedBy: ME.id,
          },
        ]);
        for (const row of rows) expect(row.decidedAt).toBeGreaterThanOrEqual(before);

        // A user message turn writes none; deleting the chat removes them.
        await store.finishRun(chatId, runId, "completed");
        await store.beginTurn(chatId, uniqueId("run"), say("thanks"), { create: false, owner: ME });
        expect(await approvals(chatId)).toHaveLength(2);
        await store.deleteChat(chatId);
        expect(await approvals(chatId)).toEqual([]);
      });
    });

    describeVersionsContract(() => store);
    describeRunLimitsContract(() => store);
  });
}
