import type { UIMessageChunk } from "ai";
import { describe, expect, it, vi } from "vitest";
import { type ChatStore, CYCLE_CLAIM_TTL_MS } from "@/lib/db/chat-store";
import { STOPPED_NOTICE } from "@/lib/shared/chat";
import { cancelChatRun } from "./cancel";
import { INTERRUPTED_CYCLE_MESSAGE } from "./next-cycle";
import { resumeChatRun } from "./resume";
import { OWNER, readUIStream, runToEnd, type Seen, say, setup, streamedText } from "./testing";
import { startChatTurn } from "./turn";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const STOPPED = {
  type: "data-run-outcome",
  id: "run-outcome",
  data: { status: "cancelled", message: "The run was stopped." },
};

/** Wait until the chat's run has an upstream response id, and return it. */
async function responseIdOf(store: ChatStore, chatId: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const id = (await store.getChat(chatId))?.run?.responseId;
    if (id) return id;
    await sleep(10);
  }
  throw new Error("the run never got a response id");
}

const retrievesOf = (seen: Seen[], responseId: string) =>
  seen.filter((r) => r.method === "GET" && r.path.endsWith(`/responses/${responseId}`));

describe("a run followed by more than one stream or server", () => {
  it("Stop on another server instance (seen only in the database) ends this instance's polling", async () => {
    const { deps, seen, store } = setup(60_000);
    const reading = readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "elsewhere",
        turn: say("Run a multi-step data analysis"),
      }),
    );
    const responseId = await responseIdOf(store, "elsewhere");
    await sleep(300);
    // What the other instance's Stop leaves behind when its upstream cancel did not get through: only the
    // stored state says the run is over (this process's live-run registry never heard of it).
    const runId = (await store.getChat("elsewhere"))?.run?.runId ?? "";
    await store.finishRun("elsewhere", runId, "cancelled", undefined, "Stopped by the user.");
    const stoppedAt = Date.now();

    const chunks = await reading;
    expect(chunks).toContainEqual(STOPPED);
    expect(chunks.at(-1)).toEqual({ type: "finish", finishReason: "other" });
    // The watch looks at most every second; a retrieve already under way may still land.
    const late = retrievesOf(seen, responseId).filter((r) => r.at > stoppedAt + 1500);
    expect(late).toEqual([]);
    expect((await store.getChat("elsewhere"))?.run?.state).toBe("cancelled");
  });

  it("stores how many retrieves the run took", async () => {
    const { deps, seen, store } = setup(60_000);
    await runToEnd(deps, "counted", "Run a multi-step data analysis");
    const chat = await store.getChat("counted");
    const retrieves = retrievesOf(seen, chat?.run?.responseId ?? "?").length;
    expect(retrieves).toBeGreaterThan(3);
    expect(chat?.run?.polls).toBe(retrieves);
  });

  it("two streams on one run (two tabs) answer the app's function call once and submit one next cycle", async () => {
    const { deps, seen, store } = setup(60_000);
    const first = readUIStream(
      await startChatTurn(deps, { owner: OWNER, chatId: "tabs", turn: say("What time is it in UTC?") }),
    );
    await responseIdOf(store, "tabs");
    const second = readUIStream(
      (await resumeChatRun(deps, { ownerId: OWNER.id, chatId: "tabs" })) as Response,
    );
    const streams: UIMessageChunk[][] = await Promise.all([first, second]);

    const creates = seen.filter((r) => r.method === "POST" && r.path.endsWith("/responses"));
    expect(creates).toHaveLength(2);
    const chat = await store.getChat("tabs");
    expect(chat?.history.filter((i) => i.type === "function_call_output")).toHaveLength(1);
    expect(chat?.run?.state).toBe("completed");
    for (const chunks of streams) {
      // Both tabs show the tool's output and the whole answer, and end normally.
      expect(chunks.filter((c) => c.type === "tool-output-available")).toHaveLength(1);
      expect(streamedText(chunks)).toMatch(/UTC/);
      expect(chunks.at(-1)).toEqual({ type: "finish", finishReason: "stop" });
    }
    expect(streamedText(streams[1] ?? [])).toBe(streamedText(streams[0] ?? []));
  });

  it("a stream that died with the next cycle's create sent: no other stream sends it again, the run says why", async () => {
    let creates = 0;
    let releaseCreate = () => {};
    const createHeld = new Promise<void>((resolve) => {
      releaseCreate = resolve;
    });
    const { deps, store } = setup(60_000, undefined, async (request) => {
      // The first stream's next-cycle create never comes back: its process died with the create sent.
      if (request.method === "POST" && request.path.endsWith("/responses") && ++creates === 2)
        await createHeld;
    });
    const first = readUIStream(
      await startChatTurn(deps, { owner: OWNER, chatId: "died", turn: say("What time is it in UTC?") }),
    );
    for (let i = 0; i < 500 && creates < 2; i++) await sleep(10);
    expect(creates).toBe(2);
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      const second = readUIStream(
        (await resumeChatRun(deps, { ownerId: OWNER.id, chatId: "died" })) as Response,
      );
      // The second stream waits on the first one's claim; once that lapses, it does not submit the cycle again.
      await sleep(300);
      vi.setSystemTime(Date.now() + CYCLE_CLAIM_TTL_MS + 1000);
      const chunks = await second;
      expect(chunks).toContainEqual({
        type: "data-run-outcome",
        id: "run-outcome",
        data: { status: "error", message: INTERRUPTED_CYCLE_MESSAGE },
      });
      const chat = await store.getChat("died");
      expect(chat?.run?.state).toBe("error");
      // The held create is the last one that went out.
      expect(creates).toBe(2);
    } finally {
      vi.useRealTimers();
      releaseCreate();
      await first;
    }
  });

  it("Stop while the create is in flight cancels the response the create then returns", async () => {
    let releaseCreate = () => {};
    const createHeld = new Promise<void>((resolve) => {
      releaseCreate = resolve;
    });
    let createSeen = () => {};
    const createArrived = new Promise<void>((resolve) => {
      createSeen = resolve;
    });
    const { deps, seen, store } = setup(60_000, undefined, async (request) => {
      if (request.method === "POST" && request.path.endsWith("/responses")) {
        createSeen();
        await createHeld;
      }
    });
    const reading = readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "early",
        turn: say("Run a multi-step data analysis"),
      }),
    );
    await createArrived;
    expect(await cancelChatRun(deps, "early", OWNER.id)).toEqual({
      state: "cancelled",
      upstream: "not-asked",
      notice: STOPPED_NOTICE,
    });
    releaseCreate();

    const chunks = await reading;
    expect(chunks).toContainEqual(STOPPED);
    const cancel = seen.find((r) => r.method === "POST" && r.path.endsWith("/cancel"));
    expect(cancel?.path).toMatch(/\/responses\/resp_[0-9a-f]+\/cancel$/);
    const responseId = cancel?.path.split("/").at(-2) ?? "?";
    expect(retrievesOf(seen, responseId)).toEqual([]);
    const chat = await store.getChat("early");
    expect(chat?.run?.state).toBe("cancelled");
    expect(chat?.run?.responseId).toBeUndefined();
  });
});
