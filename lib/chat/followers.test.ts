import { describe, expect, it } from "vitest";
import { createMemoryChatStore } from "@/lib/db/memory-store";
import { cancelChatRun } from "./cancel";
import { followOpenRuns, RunFollowers } from "./followers";
import { isLiveRun } from "./live-runs";
import { resumeChatRun } from "./resume";
import {
  askAndLeave,
  OWNER,
  readUIStream,
  runToEnd,
  type Seen,
  say,
  setup,
  streamedText,
  transcript,
  until,
} from "./testing";
import { startChatTurn } from "./turn";
import { receiveRunEnd } from "./webhooks";

/** Two cycles: the agent calls the app's own function tool, then answers with its result. */
const TWO_CYCLES = "What time is it in Tokyo?";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const creates = (seen: Seen[]) => seen.filter((r) => r.method === "POST" && r.path.endsWith("/responses"));

describe("the server follows a run nobody watches", () => {
  it("to its end: the app's function tool runs, the next cycle is submitted, every item stored once", async () => {
    const reference = setup(60_000);
    await runToEnd(reference.deps, "watched", TWO_CYCLES);
    const watched = await transcript(reference.store, "watched");

    const { deps, store, seen } = setup(60_000);
    const followers = new RunFollowers({ adoptAfterMs: 50 });
    await askAndLeave({ ...deps, followers }, store, "left", TWO_CYCLES);
    const chat = await until(
      () => store.getChat("left"),
      (c) => c?.run?.state !== "running",
      "the run ended",
    );
    expect(chat?.run?.state).toBe("completed");
    const left = await transcript(store, "left");
    // The same answer as a watched run's (ids differ: they are the upstream's).
    // The clock reading itself may differ (the two runs can straddle a minute).
    const kinds = (history: string[] | undefined) => history?.map((entry) => entry.split(":")[0]);
    const clockless = (text: string[] | undefined) =>
      text?.map((t) => t.replace(/It is [^(]*\(/, "It is … ("));
    expect({ ...left, history: kinds(left.history), text: clockless(left.text) }).toEqual({
      ...watched,
      history: kinds(watched.history),
      text: clockless(watched.text),
    });
    expect(left.text?.join("")).toMatch(/^It is \w+day, \d+ \w+ \d{4}, \d\d:\d\d \(Asia\/Tokyo/);
    expect(new Set(left.history).size).toBe(left.history?.length);
    expect(creates(seen)).toHaveLength(2);
    expect(followers.followed()).toBe(0);
  });

  it("gives way to a browser that opens the chat, and the run ends once, in that browser", async () => {
    const { deps, store, seen } = setup(60_000, undefined, undefined, undefined, { timeScale: 0.2 });
    const followers = new RunFollowers({ adoptAfterMs: 50 });
    const runId = await askAndLeave({ ...deps, followers }, store, "back", TWO_CYCLES);
    await until(
      () => followers.followed(),
      (n) => n === 1,
      "the server follows the run",
    );

    const viewer = await resumeChatRun({ ...deps, followers }, { ownerId: OWNER.id, chatId: "back" });
    const reading = readUIStream(viewer as Response);
    // The server's own loop ended: one loop, the browser's, follows the run.
    await until(
      () => followers.followed(),
      (n) => n === 0,
      "the server's loop gave way",
    );
    expect(isLiveRun(runId)).toBe(true);
    const chunks = await reading;
    expect(chunks.at(-1)).toEqual({ type: "finish", finishReason: "stop" });
    expect(streamedText(chunks)).toMatch(/Tokyo/);
    expect((await store.getChat("back"))?.run?.state).toBe("completed");
    expect(creates(seen)).toHaveLength(2);
  });

  it("a tab closed without its request saying so: the server follows the run to its end, the answer whole", async () => {
    const { deps, store } = setup(60_000);
    const followers = new RunFollowers({ adoptAfterMs: 50 });
    const tab = new AbortController();
    const response = await startChatTurn(
      { ...deps, followers },
      { owner: OWNER, chatId: "closed", turn: say(TWO_CYCLES), signal: tab.signal },
    );
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await until(
      () => store.getChat("closed"),
      (chat) => !!chat?.run?.responseId,
      "the run is under way",
    );
    // The stream is closed, but its request's signal never fires (it happens under load).
    await reader.cancel();
    await until(
      () => followers.followed(),
      (n) => n === 1,
      "the server follows the run",
    );
    const chat = await until(
      () => store.getChat("closed"),
      (c) => c?.run?.state !== "running",
      "the run's end is stored",
    );
    expect(chat?.run?.state).toBe("completed");
    expect(JSON.stringify(chat?.messages.at(-1)?.parts)).toMatch(/Tokyo/);
    expect(tab.signal.aborted).toBe(false);
  });

  it("Stop while nobody watches ends the run and the server's loop", async () => {
    const { deps, store } = setup(60_000, undefined, undefined, undefined, { timeScale: 0.5 });
    const followers = new RunFollowers({ adoptAfterMs: 50 });
    const runId = await askAndLeave(
      { ...deps, followers },
      store,
      "stopped",
      "Run a multi-step data analysis",
    );
    await until(
      () => followers.followed(),
      (n) => n === 1,
      "the server follows the run",
    );
    await cancelChatRun(deps, "stopped", OWNER.id);
    await until(
      () => followers.followed(),
      (n) => n === 0,
      "the server's loop ended",
    );
    expect(isLiveRun(runId)).toBe(false);
    const chat = await store.getChat("stopped");
    expect(chat?.run?.state).toBe("cancelled");
  });
});

describe("a server that starts", () => {
  it("follows the runs left open in its own database to their end", async () => {
    // Embedded PGlite's kind of store: this process's alone.
    const local = createMemoryChatStore();
    const { deps, store } = setup(60_000, { ...local, processLocal: true });
    // Left by a server that had no followers (it stopped): the run is open in the database, nobody follows it.
    const runId = await askAndLeave(deps, store, "left-open", TWO_CYCLES);
    await sleep(100);
    expect(isLiveRun(runId)).toBe(false);
    expect((await store.getChat("left-open"))?.run?.state).toBe("running");

    const followers = new RunFollowers({ adoptAfterMs: 50 });
    expect(await followOpenRuns({ ...deps, followers }, followers)).toBe(1);
    const chat = await until(
      () => store.getChat("left-open"),
      (c) => c?.run?.state !== "running",
      "the run ended",
    );
    expect(chat?.run?.state).toBe("completed");
    expect((await transcript(store, "left-open")).text?.join("")).toMatch(/Asia\/Tokyo/);
  });
});

describe("several server instances on one database", () => {
  it("a run followed by an instance that died is taken over by another and ends once", async () => {
    const { deps, store, seen } = setup(60_000, undefined, undefined, undefined, { timeScale: 0.3 });
    const fast = { adoptAfterMs: 50, sweepEveryMs: 50, staleMs: 400 };
    const a = new RunFollowers({ ...fast, instanceId: "instance-a" });
    const b = new RunFollowers({ ...fast, instanceId: "instance-b" });
    await a.sweep({ ...deps, followers: a });
    const runId = await askAndLeave({ ...deps, followers: a }, store, "takeover", TWO_CYCLES);
    await until(
      () => a.followed(),
      (n) => n === 1,
      "instance A follows the run",
    );
    const followerOf = async () => (await store.checkRun("takeover", runId, 0))?.follower;
    expect(await followerOf()).toBe("instance-a");

    // A dies: no more heartbeats, its loop gone. B notices after the stale time and finishes the run.
    a.stop();
    await until(
      () => isLiveRun(runId),
      (live) => !live,
      "instance A's loop is gone",
    );
    await b.sweep({ ...deps, followers: b });
    const chat = await until(
      () => store.getChat("takeover"),
      (c) => c?.run?.state !== "running",
      "the run ended",
    );
    b.stop();
    expect(chat?.run?.state).toBe("completed");
    expect(await followerOf()).toBe("instance-b");
    const { history, text } = await transcript(store, "takeover");
    expect(new Set(history).size).toBe(history?.length);
    expect(text?.join("")).toMatch(/Asia\/Tokyo/);
    expect(creates(seen)).toHaveLength(2);
  });

  it("an instance heard from keeps its runs: another sweeping meanwhile takes none", async () => {
    const { deps, store } = setup(60_000, undefined, undefined, undefined, { timeScale: 0.3 });
    const fast = { adoptAfterMs: 50, sweepEveryMs: 50, staleMs: 400 };
    const a = new RunFollowers({ ...fast, instanceId: "instance-a" });
    const b = new RunFollowers({ ...fast, instanceId: "instance-b" });
    await a.sweep({ ...deps, followers: a });
    await b.sweep({ ...deps, followers: b });
    await askAndLeave({ ...deps, followers: a }, store, "kept", TWO_CYCLES);
    const chat = await until(
      () => store.getChat("kept"),
      (c) => c?.run?.state !== "running",
      "the run ended",
    );
    a.stop();
    b.stop();
    expect(chat?.run?.state).toBe("completed");
    expect((await store.checkRun("kept", chat?.run?.runId ?? "", 0))?.follower).toBe("instance-a");
  });
});

describe("a server that lives only while it answers (the cron route's advance)", () => {
  it("follows the runs nobody follows to their end within its budget", async () => {
    const local = createMemoryChatStore();
    const { deps, store, seen } = setup(60_000, { ...local, processLocal: true });
    // A run left by a function that was frozen: open in the database, no loop anywhere.
    await askAndLeave(deps, store, "frozen", TWO_CYCLES);
    expect((await store.getChat("frozen"))?.run?.state).toBe("running");

    const report = await new RunFollowers().advance(deps, 30_000);
    expect(report).toEqual({ followed: 1, left: 0 });
    expect((await store.getChat("frozen"))?.run?.state).toBe("completed");
    expect((await transcript(store, "frozen")).text?.join("")).toMatch(/Asia\/Tokyo/);
    expect(creates(seen)).toHaveLength(2);
  });

  it("leaves a run still going when its time is up, for the next call to finish", async () => {
    const { deps, store } = setup(60_000, undefined, undefined, undefined, { timeScale: 0.3 });
    await askAndLeave(deps, store, "long", "Run a multi-step data analysis");
    // Runs just started are their browser's to come back to: older than the stale time, they are anyone's.
    await sleep(250);
    const first = new RunFollowers({ staleMs: 200 });
    expect(await first.advance(deps, 300)).toEqual({ followed: 1, left: 1 });
    const runId = (await store.getChat("long"))?.run?.runId as string;
    await until(
      () => isLiveRun(runId),
      (live) => !live,
      "the first call's loop is gone",
    );
    expect((await store.getChat("long"))?.run?.state).toBe("running");

    // The first call's instance is silent now: the next call takes the run over and sees it to its end.
    await sleep(250);
    expect(await new RunFollowers({ staleMs: 200 }).advance(deps, 30_000)).toEqual({ followed: 1, left: 0 });
    const chat = await store.getChat("long");
    expect(chat?.run?.state).toBe("completed");
    const { history } = await transcript(store, "long");
    expect(new Set(history).size).toBe(history?.length);
  });

  it("takes no run a living instance follows", async () => {
    const { deps, store } = setup(60_000, undefined, undefined, undefined, { timeScale: 0.3 });
    const fast = { adoptAfterMs: 50, sweepEveryMs: 50, staleMs: 400 };
    const a = new RunFollowers({ ...fast, instanceId: "instance-a" });
    await a.sweep({ ...deps, followers: a });
    await askAndLeave({ ...deps, followers: a }, store, "kept", "Run a multi-step data analysis");
    await until(
      () => a.followed(),
      (n) => n === 1,
      "instance A follows the run",
    );
    expect(await new RunFollowers({ staleMs: 400 }).advance(deps, 200)).toEqual({ followed: 0, left: 0 });
    expect(a.followed()).toBe(1);
    a.stop();
  });
});

describe("where each response's end comes by webhook", () => {
  it("a run nobody watches goes on cycle by cycle, each on its webhook, with no polling in between", async () => {
    const { deps, store, seen } = setup(60_000, undefined, undefined, undefined, {
      flavor: "openai",
      streaming: "off",
    });
    const followers = new RunFollowers({ endsByWebhook: true, adoptAfterMs: 50 });
    const wired = { ...deps, followers };
    await askAndLeave(wired, store, "hooked", TWO_CYCLES);
    const retrieves = () => seen.filter((r) => r.method === "GET" && r.path.includes("/responses/")).length;
    await sleep(500);
    expect(followers.followed()).toBe(0);
    const idle = retrieves();

    const tasks: Promise<void>[] = [];
    const deliver = async (deliveryId: string) => {
      const responseId = (await store.getChat("hooked"))?.run?.responseId as string;
      const receipt = await receiveRunEnd(
        wired,
        followers,
        { deliveryId, type: "response.completed", responseId },
        (task) => tasks.push(task),
      );
      await Promise.all(tasks);
      return { receipt, responseId };
    };
    // The first cycle's end: the app's tool runs, the next cycle is submitted, and the server stops there.
    const first = await deliver("delivery-1");
    expect(first.receipt).toEqual({ action: "following", chatId: "hooked" });
    const between = await store.getChat("hooked");
    expect(between?.run?.state).toBe("running");
    expect(between?.run?.responseId).not.toBe(first.responseId);
    expect(followers.followed()).toBe(0);
    const afterFirst = retrieves();
    await sleep(500);
    expect(retrieves()).toBe(afterFirst);

    // The second cycle's end: the answer is stored, the run complete.
    await deliver("delivery-2");
    const chat = await store.getChat("hooked");
    expect(chat?.run?.state).toBe("completed");
    expect((await transcript(store, "hooked")).text?.join("")).toMatch(/Asia\/Tokyo/);
    expect(creates(seen)).toHaveLength(2);
    // Before the first webhook, nothing looked at the run.
    expect(idle).toBe(0);
  });
});
