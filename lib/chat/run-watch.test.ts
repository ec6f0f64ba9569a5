import { describe, expect, it } from "vitest";
import type { BackgroundClient } from "@/lib/background";
import { fakeClock } from "@/lib/background/testing";
import type { ChatStore, RunCheckRequest } from "@/lib/db/chat-store";
import { createMemoryChatStore } from "@/lib/db/memory-store";
import { watchStoredRun } from "./run-watch";
import { OWNER } from "./testing";

const upstream: BackgroundClient = {
  create: async () => {
    throw new Error("not used");
  },
  retrieve: async (id) => ({ id, status: "in_progress", output: [] }) as never,
  cancel: async (id) => ({ id, status: "cancelled", output: [] }) as never,
};

/** A memory store that records every batch it is asked to check, and no single checks beyond `close`. */
function countingStore() {
  const store = createMemoryChatStore();
  const batches: RunCheckRequest[][] = [];
  const counted: ChatStore = {
    ...store,
    checkRuns: (checks) => {
      batches.push(checks.map((c) => ({ ...c })));
      return store.checkRuns(checks);
    },
  };
  return { store: counted, batches };
}

async function begin(store: ChatStore, chatId: string, runId: string) {
  await store.beginTurn(chatId, runId, () => ({ items: [] }), { create: true, owner: OWNER });
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  if (!done()) throw new Error("never happened");
};

describe("watchStoredRun", () => {
  it("ends the server's own loop when another instance follows the run now, and only that loop", async () => {
    const store = createMemoryChatStore();
    const clock = fakeClock();
    await begin(store, "taken", "run-taken");
    await store.followRun("taken", "run-taken", "instance-a");
    const watch = (followedBy?: string) =>
      watchStoredRun({
        store,
        client: upstream,
        clock,
        chatId: "taken",
        runId: "run-taken",
        intervalMs: 2000,
        followedBy,
      });
    const serversOwn = watch("instance-a");
    const browsers = watch();
    // Checked several times while this instance follows the run: it goes on.
    await until(() => clock.sleeps.length > 3);
    expect(serversOwn.signal.aborted).toBe(false);

    // A browser's stream on instance B takes the run.
    await store.followRun("taken", "run-taken", "instance-b");
    await until(() => serversOwn.signal.aborted);
    expect(serversOwn.signal.reason).toBe("elsewhere");
    expect(browsers.signal.aborted).toBe(false);
    await serversOwn.close();
    await browsers.close();
  });

  it("checks every watched run of the process in one batch, counting retrieves in tens and at the end", async () => {
    const { store, batches } = countingStore();
    const clock = fakeClock();
    await begin(store, "a", "run-a");
    await begin(store, "b", "run-b");
    const watchA = watchStoredRun({
      store,
      client: upstream,
      clock,
      chatId: "a",
      runId: "run-a",
      intervalMs: 2000,
    });
    const watchB = watchStoredRun({
      store,
      client: upstream,
      clock,
      chatId: "b",
      runId: "run-b",
      intervalMs: 2000,
    });
    for (let i = 0; i < 10; i++) await watchA.client.retrieve("resp_a");
    await watchB.client.retrieve("resp_b");

    await until(() => batches.length > 0);
    expect(batches[0]).toEqual([
      { chatId: "a", runId: "run-a", polls: 10 },
      { chatId: "b", runId: "run-b", polls: 0 },
    ]);
    expect(clock.sleeps[0]).toBe(2000);
    expect((await store.getChat("a"))?.run?.polls).toBe(10);

    await watchA.client.retrieve("resp_a");
    await watchB.client.retrieve("resp_b");
    await watchA.close();
    await watchB.close();
    expect((await store.getChat("a"))?.run?.polls).toBe(11);
    expect((await store.getChat("b"))?.run?.polls).toBe(2);
  });

  it("on a store no other process can change, never re-reads the run, and counts its retrieves at the end", async () => {
    const { store, batches } = countingStore();
    const clock = fakeClock();
    await begin(store, "a", "run-a");
    const watch = watchStoredRun({
      store: { ...store, processLocal: true },
      client: upstream,
      clock,
      chatId: "a",
      runId: "run-a",
      intervalMs: 2000,
    });
    for (let i = 0; i < 25; i++) await watch.client.retrieve("resp_a");
    for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(clock.sleeps).toEqual([]);
    expect(batches).toEqual([]);
    expect((await store.getChat("a"))?.run?.polls).toBe(0);
    await watch.close();
    expect((await store.getChat("a"))?.run?.polls).toBe(25);
    expect(watch.signal.aborted).toBe(false);
  });

  it("stops only the watch whose run was stopped elsewhere, or replaced", async () => {
    const { store } = countingStore();
    const clock = fakeClock();
    await begin(store, "a", "run-a");
    await begin(store, "b", "run-b");
    await begin(store, "c", "run-c");
    const watch = (chatId: string, runId: string) =>
      watchStoredRun({ store, client: upstream, clock, chatId, runId, intervalMs: 100 });
    const [a, b, c] = [watch("a", "run-a"), watch("b", "run-b"), watch("c", "run-c")];

    await store.finishRun("b", "run-b", "cancelled", undefined, "Stopped by the user.");
    await store.finishRun("c", "run-c", "completed");
    await store.beginTurn("c", "run-c2", () => ({ items: [] }), { create: false, owner: OWNER });
    await until(() => b.signal.aborted && c.signal.aborted);

    expect(b.signal.reason).toBe("cancelled");
    expect(c.signal.reason).toBe("gone");
    expect(a.signal.aborted).toBe(false);
    await Promise.all([a.close(), b.close(), c.close()]);
  });

  it("checks a process's runs fifty per query, giving the event loop a turn between the queries", async () => {
    const { store: counting, batches } = countingStore();
    // What else the process has to do meanwhile: a callback queued as a query starts must run before the next.
    const otherWorkRanBefore: boolean[] = [];
    let otherWorkRan = true;
    const store: ChatStore = {
      ...counting,
      checkRuns: (checks) => {
        otherWorkRanBefore.push(otherWorkRan);
        otherWorkRan = false;
        setImmediate(() => {
          otherWorkRan = true;
        });
        return counting.checkRuns(checks);
      },
    };
    const clock = fakeClock();
    const watches = [];
    for (let i = 0; i < 300; i++) {
      await begin(store, `chat-${i}`, `run-${i}`);
      watches.push(
        watchStoredRun({
          store,
          client: upstream,
          clock,
          chatId: `chat-${i}`,
          runId: `run-${i}`,
          intervalMs: 2000,
        }),
      );
    }
    await until(() => batches.length >= 6);
    expect(batches.slice(0, 6).map((b) => b.length)).toEqual([50, 50, 50, 50, 50, 50]);
    expect(otherWorkRanBefore.slice(0, 5)).toEqual([true, true, true, true, true]);
    await Promise.all(watches.map((w) => w.close()));
  });

  it("keeps watching through a failed check and counts its retrieves with the next one", async () => {
    const { store } = countingStore();
    const clock = fakeClock();
    await begin(store, "a", "run-a");
    let failures = 1;
    const flaky: ChatStore = {
      ...store,
      checkRuns: async (checks) => {
        if (failures-- > 0) throw new Error("the database hiccuped");
        return store.checkRuns(checks);
      },
    };
    const watch = watchStoredRun({
      store: flaky,
      client: upstream,
      clock,
      chatId: "a",
      runId: "run-a",
      intervalMs: 100,
    });
    for (let i = 0; i < 10; i++) await watch.client.retrieve("resp_a");
    await until(() => failures < 0);
    await until(() => clock.sleeps.length > 3);
    expect(watch.signal.aborted).toBe(false);
    expect((await store.getChat("a"))?.run?.polls).toBe(10);
    await watch.close();
  });
});
