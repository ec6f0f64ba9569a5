import { describe, expect, it } from "vitest";
import type { Clock } from "@/lib/background";
import { message, response, scriptedClient } from "@/lib/background/testing";
import { createMemoryChatStore } from "@/lib/db/memory-store";
import type { TurnSettings } from "@/lib/shared/chat";
import { defaultToolRegistry } from "@/lib/tools";
import { OWNER, readUIStream, say, streamedText } from "./testing";
import { startChatTurn, type TurnDeps } from "./turn";

/**
 * Real time sped up 50×: every sleeper (the poller, the stored-run watch) shares one consistent time, so a
 * minute-long run takes 1.2 s. (The fake clock of lib/background advances time per sleep, and two sleepers
 * then push each other's time forward.) A busy machine makes timers late, which only means fewer retrieves.
 */
function fastClock(speedUp = 50): Clock {
  const realStart = performance.now();
  const start = Date.now();
  return {
    now: () => start + (performance.now() - realStart) * speedUp,
    sleep: (ms, signal) =>
      new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        const timer = setTimeout(done, ms / speedUp);
        function done() {
          signal?.removeEventListener("abort", done);
          clearTimeout(timer);
          resolve();
        }
        signal?.addEventListener("abort", done, { once: true });
      }),
  };
}

/** A turn against an upstream that runs for a minute (in the clock's time); returns how often it was checked. */
async function runAMinute(settings: TurnSettings | undefined) {
  const clock = fastClock();
  const doneAt = clock.now() + 60_000;
  const { client, calls } = scriptedClient([
    () =>
      clock.now() < doneAt
        ? response("in_progress", [])
        : response("completed", [message("msg_1", "The report is ready.")]),
  ]);
  client.create = async () => response("queued", []);
  const deps: TurnDeps = {
    store: createMemoryChatStore(),
    client,
    clock,
    model: "m",
    registry: defaultToolRegistry,
    pollIntervalMs: 500,
    echoesHistory: false,
    streamBudgetMs: 60_000,
  };
  const stream = await startChatTurn(deps, { owner: OWNER, chatId: "settings", turn: say("hi"), settings });
  const chunks = await readUIStream(stream);
  return { retrieves: calls.retrieve, chunks };
}

describe("the poll interval a person chose", () => {
  it("replaces the server's steady interval for that turn's retrieves", async () => {
    const chosen = await runAMinute({ pollIntervalMs: 10_000 });
    // A few looks in the first 5 s while the run may be a short task, then one per 10 s (the answer being written
    // is looked at sooner, a few times).
    expect(chosen.retrieves).toBeGreaterThanOrEqual(3);
    expect(chosen.retrieves).toBeLessThanOrEqual(13);
    expect(streamedText(chosen.chunks)).toBe("The report is ready.");

    // Without a choice the server's own interval (500 ms here) applies: many more looks for the same minute
    // (about 110 on an idle machine).
    const serverDefault = await runAMinute(undefined);
    expect(serverDefault.retrieves).toBeGreaterThan(25);
    expect(streamedText(serverDefault.chunks)).toBe("The report is ready.");
  });
});

describe("the reveal speed a person chose", () => {
  it("instant shows a polled answer in one piece; normal reveals it word by word", async () => {
    const deltas = async (revealSpeed: TurnSettings["revealSpeed"]) => {
      const { client } = scriptedClient([
        response("completed", [message("msg_1", "one two three four five six seven eight nine ten")]),
      ]);
      client.create = async () => response("queued", []);
      const deps: TurnDeps = {
        store: createMemoryChatStore(),
        client,
        clock: fastClock(),
        model: "m",
        registry: defaultToolRegistry,
        pollIntervalMs: 500,
        echoesHistory: false,
        streamBudgetMs: 60_000,
      };
      const stream = await startChatTurn(deps, {
        owner: OWNER,
        chatId: "reveal",
        turn: say("hi"),
        settings: { revealSpeed },
      });
      return (await readUIStream(stream)).filter((c) => c.type === "text-delta").length;
    };
    expect(await deltas("instant")).toBe(1);
    expect(await deltas("normal")).toBeGreaterThan(1);
  });
});
