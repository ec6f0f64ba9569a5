/**
 * The run-limits part of the ChatStore contract (`beginTurn`'s `limits`: RunLimits), run by
 * describeChatStore against every store. Each test has an owner of its own: the limits count per person.
 */
import { describe, expect, it, vi } from "vitest";
import {
  type ChatOwner,
  type ChatStore,
  RUN_LIMIT_WINDOW_MS,
  RunLimitError,
  type RunLimits,
} from "./chat-store";
import { assistantMessage, say, uniqueId } from "./chat-store.contract";

const someone = (): ChatOwner => ({ id: `anon:${uniqueId("limits")}` });

export function describeRunLimitsContract(storeOf: () => ChatStore) {
  describe("per-person run limits", () => {
    const begin = (owner: ChatOwner, limits: RunLimits, chatId = uniqueId("chat"), runId = uniqueId("run")) =>
      storeOf()
        .beginTurn(chatId, runId, say("hello"), { create: true, owner, limits })
        .then(() => ({ chatId, runId }));

    it("lets exactly the limit's number of parallel turns of one person run, and stores nothing of the rest", async () => {
      const owner = someone();
      const chatIds = Array.from({ length: 20 }, () => uniqueId("chat"));
      const outcomes = await Promise.allSettled(
        chatIds.map((chatId) => begin(owner, { inFlight: 3 }, chatId)),
      );
      expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(3);
      const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [o.reason] : []));
      expect(refused).toHaveLength(17);
      for (const reason of refused) {
        expect(RunLimitError.is(reason)).toBe(true);
        expect((reason as RunLimitError).limit).toBe("in_flight");
        expect((reason as Error).message).toMatch(/3 runs going already/);
      }
      // A refused turn left no chat behind: only the three that run are the person's.
      expect(await storeOf().listChats(owner.id)).toHaveLength(3);
      // Someone else is not held back by this person's runs.
      await expect(begin(someone(), { inFlight: 3 })).resolves.toBeDefined();
    });

    it("frees a place when a run ends", async () => {
      const owner = someone();
      const first = await begin(owner, { inFlight: 1 });
      await expect(begin(owner, { inFlight: 1 })).rejects.toSatisfy(RunLimitError.is);
      await storeOf().finishRun(
        first.chatId,
        first.runId,
        "completed",
        assistantMessage(first.runId, "done"),
      );
      await expect(begin(owner, { inFlight: 1 })).resolves.toBeDefined();
    });

    it("counts a day's runs, says when the next frees up, and does not give a deleted chat's runs back", async () => {
      const owner = someone();
      const store = storeOf();
      const started = Date.now();
      const first = await begin(owner, { perDay: 2 });
      await store.finishRun(first.chatId, first.runId, "completed", assistantMessage(first.runId, "one"));
      const second = await begin(owner, { perDay: 2 });
      await store.finishRun(second.chatId, second.runId, "completed", assistantMessage(second.runId, "two"));
      await store.deleteChat(first.chatId, { ownerId: owner.id });
      const refusal = await begin(owner, { perDay: 2 }).catch((err: unknown) => err);
      expect(RunLimitError.is(refusal)).toBe(true);
      const { limit, freesAt, message } = refusal as RunLimitError;
      expect(limit).toBe("per_day");
      // The oldest run's 24 hours are over then.
      expect(freesAt).toBeGreaterThanOrEqual(started + RUN_LIMIT_WINDOW_MS);
      expect(freesAt).toBeLessThanOrEqual(Date.now() + RUN_LIMIT_WINDOW_MS);
      expect(message).toMatch(/started 2 runs in the last 24 hours.*frees up at \d\d:\d\d UTC/);
    });

    it("does not count a run again when a turn goes on with it (an approval, a retry)", async () => {
      const owner = someone();
      const store = storeOf();
      const { chatId, runId } = await begin(owner, { perDay: 1 });
      await store.finishRun(chatId, runId, "failed", assistantMessage(runId, "cut short"));
      // The same run id again, as a retry or an approval's next cycle has it.
      await expect(
        store.beginTurn(chatId, runId, () => ({ items: [] }), {
          create: false,
          owner,
          limits: { perDay: 1 },
        }),
      ).resolves.toBeDefined();
      await store.finishRun(chatId, runId, "completed", assistantMessage(runId, "done"));
      await expect(begin(owner, { perDay: 1 })).rejects.toSatisfy(RunLimitError.is);
    });

    it("lets runs through when the window has moved past the oldest", async () => {
      const owner = someone();
      const store = storeOf();
      const now = Date.now();
      const clock = vi.spyOn(Date, "now").mockReturnValue(now - RUN_LIMIT_WINDOW_MS - 1_000);
      try {
        const old = await begin(owner, { perDay: 1 });
        await store.finishRun(old.chatId, old.runId, "completed", assistantMessage(old.runId, "yesterday"));
      } finally {
        clock.mockRestore();
      }
      await expect(begin(owner, { perDay: 1 })).resolves.toBeDefined();
    });
  });
}
