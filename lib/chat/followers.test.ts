import { describe, expect, it } from "vitest";
import type { ChatStore } from "@/lib/db/chat-store";
import { cancelChatRun } from "./cancel";
import { followOpenRuns, RunFollowers } from "./followers";
import { isLiveRun } from "./live-runs";
import type { TurnDeps } from "./respond";
import { resumeChatRun } from "./resume";
import { OWNER, readUIStream, runToEnd, type Seen, say, setup, streamedText, transcript } from "./testing";
import { startChatTurn } from "./turn";

/** Two cycles: the agent calls the app's own function tool, then answers with its result. */
const TWO_CYCLES = "What time is it in Tokyo?";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read();
    if (done(value)) return value;
    await sleep(25);
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** Send a question, read the stream until the run has a response id upstream, then close the tab. */
async function askAndLeave(deps: TurnDeps, store: ChatStore, chatId: string, text: string) {
  const tab = new AbortController();
  const response = await startChatTurn(deps, { owner: OWNER, chatId, turn: say(text), signal: tab.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  await until(
    () => store.getChat(chatId),
    (chat) => !!chat?.run?.responseId,
    "the run is under way",
  );
  tab.abort();
  await reader.cancel();
  return (await store.getChat(chatId))?.run?.runId as string;
}

const creates = (seen: Seen[]) => seen.filter((r) => r.method === "POST" && r.path.endsWith("/responses"));

describe("the server follows a run nobody watches", () => {
  it("to its end: the app's function tool runs, the next cycle is submitted, every item stored once", async () => {
    const reference = setup(60_000);
    await runToEnd(reference.deps, "watched", TWO_CYCLES);
    const watched = await transcript(reference.store, "watched");

    const { deps, store, seen } = setup(60_000);
    const followers = new RunFollowers(50);
    await askAndLeave({ ...deps, followers }, store, "left", TWO_CYCLES);
    const chat = await until(
      () => store.getChat("left"),
      (c) => c?.run?.state !== "running",
      "the run ended",
    );
    expect(chat?.run?.state).toBe("completed");
    const left = await transcript(store, "left");
    // The same answer as a watched run's (ids differ: they are the upstream's).
    const kinds = (history: string[] | undefined) => history?.map((entry) => entry.split(":")[0]);
    expect({ ...left, history: kinds(left.history) }).toEqual({
      ...watched,
      history: kinds(watched.history),
    });
    expect(new Set(left.history).size).toBe(left.history?.length);
    expect(creates(seen)).toHaveLength(2);
    expect(followers.followed()).toBe(0);
  });

  it("gives way to a browser that opens the chat, and the run ends once, in that browser", async () => {
    const { deps, store, seen } = setup(60_000, undefined, undefined, undefined, { timeScale: 0.2 });
    const followers = new RunFollowers(50);
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

  it("Stop while nobody watches ends the run and the server's loop", async () => {
    const { deps, store } = setup(60_000, undefined, undefined, undefined, { timeScale: 0.5 });
    const followers = new RunFollowers(50);
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
  it("follows the runs left open in the database to their end", async () => {
    const { deps, store } = setup(60_000);
    // Left by a server that had no followers (it stopped): the run is open in the database, nobody follows it.
    const runId = await askAndLeave(deps, store, "left-open", TWO_CYCLES);
    await sleep(100);
    expect(isLiveRun(runId)).toBe(false);
    expect((await store.getChat("left-open"))?.run?.state).toBe("running");

    const followers = new RunFollowers(50);
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
