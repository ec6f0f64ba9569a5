import { describe, expect, it } from "vitest";
import { systemClock, WAKE_BATCH } from "./system-clock";

/** Counts turns of the event loop (one per check phase) until stopped. */
function turnCounter() {
  let turn = 0;
  let running = true;
  const tick = () => {
    turn += 1;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    now: () => turn,
    stop: () => {
      running = false;
    },
  };
}

describe("systemClock", () => {
  it("wakes many sleepers due together a batch per turn of the event loop, every one of them", async () => {
    const turns = turnCounter();
    const sleepers = 5 * WAKE_BATCH + 3;
    const wokeAt: number[] = [];
    await Promise.all(
      Array.from({ length: sleepers }, () => systemClock.sleep(5).then(() => wokeAt.push(turns.now()))),
    );
    turns.stop();
    expect(wokeAt).toHaveLength(sleepers);
    const perTurn = new Map<number, number>();
    for (const turn of wokeAt) perTurn.set(turn, (perTurn.get(turn) ?? 0) + 1);
    expect(Math.max(...perTurn.values())).toBeLessThanOrEqual(WAKE_BATCH);
    expect(perTurn.size).toBeGreaterThanOrEqual(Math.ceil(sleepers / WAKE_BATCH));
  });

  it("sleeps at least as long as asked", async () => {
    const started = performance.now();
    await systemClock.sleep(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
  });

  it("ends a sleep at once when its signal aborts, and at once for one already aborted", async () => {
    const stop = new AbortController();
    const started = performance.now();
    const sleeping = systemClock.sleep(60_000, stop.signal);
    setTimeout(() => stop.abort("stopped"), 5);
    await sleeping;
    await systemClock.sleep(60_000, stop.signal);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
