import { afterEach, describe, expect, it, vi } from "vitest";
import { say as storeSay } from "@/lib/db/chat-store.contract";
import { type RunStatusData, STOPPED_NOTICE } from "@/lib/shared/chat";
import { cancelChatRun } from "./cancel";
import { registerLiveRun } from "./live-runs";
import { resumeChatRun } from "./resume";
import { OWNER, readUIStream, runToEnd, say, setup, streamedText, transcript, until } from "./testing";
import { startChatTurn } from "./turn";

describe("time-budgeted streams", () => {
  it("a run cut into many short streams ends with the same transcript as an uncut one", async () => {
    const question = "Run a multi-step data analysis";
    const uncut = setup(60_000);
    const uncutStreams = await runToEnd(uncut.deps, "uncut", question);
    expect(uncutStreams).toHaveLength(1);

    const cut = setup(250);
    const cutStreams = await runToEnd(cut.deps, "cut", question);
    expect(cutStreams.length).toBeGreaterThan(2);

    const a = await transcript(uncut.store, "uncut");
    const b = await transcript(cut.store, "cut");
    expect(b.text).toEqual(a.text);
    expect(b.tools).toEqual(a.tools);
    expect(b.tools).toContain("query_sales_genie:output-available");
    expect(b.state).toBe("completed");
    // Each item was recorded exactly once, however often the stream was cut.
    expect(b.history?.length).toBe(a.history?.length);
    expect(new Set(b.history).size).toBe(b.history?.length);
    // Every stream after the first replays the message so far, then continues: its text equals the final text.
    expect(streamedText(cutStreams.at(-1) ?? [])).toBe(a.text?.join(""));
  });

  it("a hand-over in the middle of the app's own function tool loop still sends the outputs back once", async () => {
    const cut = setup(120);
    const streams = await runToEnd(cut.deps, "fn", "Please calculate 17 * 23 + 4");
    expect(streams.length).toBeGreaterThan(1);
    const after = await transcript(cut.store, "fn");
    expect(after.text?.join("")).toContain("395");
    expect(after.history?.filter((h) => h.startsWith("function_call_output"))).toHaveLength(1);
  });
});

describe("resume", () => {
  it("has nothing to resume for a finished run, and no such chat for an unknown or foreign one", async () => {
    const { deps } = setup(60_000);
    await expect(resumeChatRun(deps, { ownerId: OWNER.id, chatId: "nope" })).rejects.toMatchObject({
      kind: "missing",
    });
    await runToEnd(deps, "done", "Hello there");
    await expect(resumeChatRun(deps, { ownerId: "anon:intruder", chatId: "done" })).rejects.toMatchObject({
      kind: "missing",
    });
    expect(await resumeChatRun(deps, { ownerId: OWNER.id, chatId: "done" })).toBeNull();
  });

  it("after the browser left, reopening replays what was shown and finishes the run once", async () => {
    const { deps, store } = setup(60_000);
    const gone = new AbortController();
    const first = await startChatTurn(deps, {
      owner: OWNER,
      chatId: "left",
      turn: say("Run a multi-step data analysis"),
      signal: gone.signal,
    });
    const reader = first.body?.getReader();
    await reader?.read();
    await new Promise((r) => setTimeout(r, 400));
    gone.abort();
    await reader?.cancel().catch(() => {});
    expect((await store.getChat("left"))?.run?.state).toBe("running");

    const resumed = await resumeChatRun(deps, { ownerId: OWNER.id, chatId: "left" });
    const chunks = await readUIStream(resumed as Response);
    expect(chunks.at(-1)).toEqual({ type: "finish", finishReason: "stop" });
    const calls = chunks.flatMap((c) => (c.type === "tool-input-available" ? [c.toolCallId] : []));
    expect(new Set(calls).size).toBe(calls.length);
    expect((await store.getChat("left"))?.run?.state).toBe("completed");
  });
});

describe("the status after a reload", () => {
  it("goes on from the stored run's checks and start, not from 1 and 0 s", async () => {
    const { deps, store } = setup(60_000);
    const gone = new AbortController();
    const first = await startChatTurn(deps, {
      owner: OWNER,
      chatId: "reloaded",
      turn: say("Run a slow multi-step data analysis"),
      signal: gone.signal,
    });
    const reader = first.body?.getReader();
    await reader?.read();
    await new Promise((r) => setTimeout(r, 600));
    gone.abort();
    await reader?.cancel().catch(() => {});
    let run = (await store.getChat("reloaded"))?.run;
    for (let i = 0; i < 100 && !run?.polls; i++) {
      await new Promise((r) => setTimeout(r, 10));
      run = (await store.getChat("reloaded"))?.run;
    }
    expect(run?.polls).toBeGreaterThan(1);

    const resumed = await resumeChatRun(deps, { ownerId: OWNER.id, chatId: "reloaded" });
    const reading = readUIStream(resumed as Response);
    await new Promise((r) => setTimeout(r, 300));
    await cancelChatRun(deps, "reloaded", OWNER.id);
    const statuses = (await reading).flatMap((c) =>
      c.type === "data-run-status" ? [c.data as RunStatusData] : [],
    );
    expect(statuses.length).toBeGreaterThan(0);
    for (const status of statuses) {
      expect(status.polls).toBeGreaterThanOrEqual(run?.polls ?? Number.NaN);
      expect(status.startedAt).toBe(run?.startedAt);
      expect(status.elapsedMs).toBeGreaterThanOrEqual(600);
    }
  });
});

describe("Stop", () => {
  it("cancels upstream, ends polling at once, keeps what was shown, and frees the chat", async () => {
    const { deps, seen, store } = setup(60_000);
    const response = await startChatTurn(deps, {
      owner: OWNER,
      chatId: "stop",
      turn: say("Run a multi-step data analysis"),
    });
    const reading = readUIStream(response);
    await new Promise((r) => setTimeout(r, 500));
    const result = await cancelChatRun(deps, "stop", OWNER.id);
    expect(result).toEqual({
      state: "cancelled",
      upstream: "cancelled",
      notice: STOPPED_NOTICE,
    });
    const chunks = await reading;
    const cancel = seen.find((r) => r.method === "POST" && r.path.endsWith("/cancel"));
    expect(cancel?.path).toMatch(/^\/ai-gateway\/mlflow\/v1\/responses\/resp_[0-9a-f]+\/cancel$/);
    const responseId = cancel?.path.split("/")[5];

    await new Promise((r) => setTimeout(r, 400));
    const pollsAfter = seen.filter(
      (r) => r.method === "GET" && r.path.includes(responseId ?? "?") && r.at > (cancel?.at ?? 0),
    );
    expect(pollsAfter).toEqual([]);
    expect(chunks).toContainEqual({
      type: "data-run-outcome",
      id: "run-outcome",
      data: { status: "cancelled", message: "The run was stopped." },
    });
    expect(chunks.at(-1)).toEqual({ type: "finish", finishReason: "other" });

    const chat = await store.getChat("stop");
    expect(chat?.run?.state).toBe("cancelled");
    expect(chat?.messages.at(-1)?.parts.some((p) => p.type === "data-run-outcome")).toBe(true);
    // The next message can be sent at once.
    const next = await readUIStream(
      await startChatTurn(deps, { owner: OWNER, chatId: "stop", turn: say("Hello again") }),
    );
    expect(streamedText(next)).toContain("Hello again");
    // Stopping again is harmless.
    expect(await cancelChatRun(deps, "stop", OWNER.id)).toMatchObject({ upstream: "not-asked" });
  });
  it("stops polling before it asks the upstream to cancel, so a slow cancel is not polled past", async () => {
    // The cancel takes 3 poll intervals to answer: a loop still running meanwhile would retrieve the run.
    const slowCancel = async (r: { method: string; path: string }) => {
      if (r.method === "POST" && r.path.endsWith("/cancel"))
        await new Promise((done) => setTimeout(done, 300));
    };
    const { deps, seen } = setup(60_000, undefined, undefined, slowCancel);
    const reading = readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "slow-stop",
        turn: say("Run a multi-step data analysis"),
      }),
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(seen.some((r) => r.method === "GET")).toBe(true);
    expect(await cancelChatRun(deps, "slow-stop", OWNER.id)).toEqual({
      state: "cancelled",
      upstream: "cancelled",
      notice: STOPPED_NOTICE,
    });
    await reading;

    const cancel = seen.find((r) => r.method === "POST" && r.path.endsWith("/cancel"));
    expect(cancel).toBeDefined();
    expect(seen.filter((r) => r.method === "GET" && r.at >= (cancel?.at ?? 0))).toEqual([]);
  });

  it("Stop between a hand-over and its reconnect: the stored answer keeps its text and says it stopped", async () => {
    // The first stream ends at its 600 ms budget, after the first items were shown; nobody has reconnected yet.
    const { deps, store } = setup(600);
    const first = await readUIStream(
      await startChatTurn(deps, { owner: OWNER, chatId: "gap", turn: say("Run a multi-step data analysis") }),
    );
    expect(first.some((c) => c.type === "finish")).toBe(false);
    const shown = (await transcript(store, "gap")).tools;
    expect(shown?.length).toBeGreaterThan(0);

    expect(await cancelChatRun(deps, "gap", OWNER.id)).toEqual({
      state: "cancelled",
      upstream: "cancelled",
      notice: STOPPED_NOTICE,
    });
    // The reconnect finds nothing to continue; the stored message is what a reload shows.
    expect(await resumeChatRun(deps, { ownerId: OWNER.id, chatId: "gap" })).toBeNull();
    const chat = await store.getChat("gap");
    const answer = chat?.messages.at(-1);
    expect(answer?.parts.filter((p) => p.type === "data-run-outcome")).toEqual([
      {
        type: "data-run-outcome",
        id: "run-outcome",
        data: { status: "cancelled", message: "The run was stopped." },
      },
    ]);
    expect((await transcript(store, "gap")).tools).toEqual(shown);
  });
});

describe("a run whose create never reported back", () => {
  /**
   * A run begun 11 s ago whose create's answer was never stored: its sender died (or still waits for the answer)
   * with the create sent, or (`sent: false`) before sending it.
   */
  async function unstarted(followed?: { by: string; alive: boolean }, { sent = true } = {}) {
    const { deps, store, seen } = setup(60_000);
    const runId = `run-${crypto.randomUUID()}`;
    vi.useFakeTimers({ toFake: ["Date"] });
    await store.beginTurn("unstarted", runId, storeSay("Hello"), { create: true, owner: OWNER });
    if (sent) expect(await store.markCreateSent("unstarted", runId, null)).toBe(true);
    if (followed) {
      await store.heartbeat(followed.by);
      await store.followRun("unstarted", runId, followed.by);
    }
    vi.setSystemTime(Date.now() + 11_000);
    if (followed?.alive) await store.heartbeat(followed.by);
    const followers = { instanceId: "here", staleMs: 2_500, watching() {}, unfollowed() {} };
    return { deps: { ...deps, followers }, store, runId, seen };
  }

  afterEach(() => {
    vi.useRealTimers();
  });

  it("ends with an error at once when the instance that sent it went silent: the person can ask again", async () => {
    const { deps, store } = await unstarted({ by: "dead", alive: false });
    expect(await resumeChatRun(deps, { ownerId: OWNER.id, chatId: "unstarted" })).toBeNull();
    const run = (await store.getChat("unstarted"))?.run;
    expect(run?.state).toBe("error");
    expect(run?.error).toMatch(/interrupted before the agent accepted it/);
  });

  it("waits while the instance that sent it lives (its answer may still come)", async () => {
    const { deps, store } = await unstarted({ by: "alive", alive: true });
    expect(await resumeChatRun(deps, { ownerId: OWNER.id, chatId: "unstarted" })).toBeNull();
    expect((await store.getChat("unstarted"))?.run?.state).toBe("running");
  });

  it("never sent (its sender died first): the stream that finds it sends it, and only one of two does", async () => {
    const { deps: atStart, store, seen } = await unstarted({ by: "dead", alive: false }, { sent: false });
    // Real time again (the emulator's runs move with it), seen 11 s after the run began.
    vi.useRealTimers();
    const deps = { ...atStart, clock: { ...atStart.clock, now: () => Date.now() + 11_000 } };
    const [a, b] = await Promise.all([
      resumeChatRun(deps, { ownerId: OWNER.id, chatId: "unstarted" }),
      resumeChatRun(deps, { ownerId: OWNER.id, chatId: "unstarted" }),
    ]);
    const streams = await Promise.all([a, b].map((r) => (r ? readUIStream(r) : Promise.resolve([]))));
    expect(seen.filter((r) => r.method === "POST" && r.path.endsWith("/responses"))).toHaveLength(1);
    expect(streams.map(streamedText).join("")).toMatch(/\w/);
    const chat = await until(
      () => store.getChat("unstarted"),
      (c) => c?.run?.state !== "running",
      "the run ended",
    );
    expect(chat?.run?.state).toBe("completed");
  });

  it("waits while a loop of this process sends it", async () => {
    const { deps, store, runId } = await unstarted();
    const sending = registerLiveRun(runId);
    try {
      expect(await resumeChatRun(deps, { ownerId: OWNER.id, chatId: "unstarted" })).toBeNull();
      expect((await store.getChat("unstarted"))?.run?.state).toBe("running");
    } finally {
      sending.release();
    }
  });
});
