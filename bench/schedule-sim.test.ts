import { describe, expect, it } from "vitest";
import { simulateRun } from "./schedule-sim";

// The polling schedule against the fixed-poll recipe on a fake clock (retrieves take no time), over the
// emulator's own runs: what the engine bench measures on the real clock, here for every run length at once.

const PLAIN = "What can you do?";
const MULTI_STEP = "Analyze Q2 sales by region with the Genie space.";

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? 0;
const lengths = (fromMs: number, toMs: number, stepMs: number) =>
  Array.from({ length: Math.floor((toMs - fromMs) / stepMs) + 1 }, (_, i) => fromMs + i * stepMs);

async function both(question: string, lengthsMs: number[]) {
  const runs = [];
  for (const lengthMs of lengthsMs)
    runs.push({
      lengthMs,
      ours: await simulateRun("ours", question, lengthMs),
      recipe: await simulateRun("baseline", question, lengthMs),
    });
  return runs;
}

describe("the polling schedule against the fixed-poll recipe (steady interval 2 s)", {
  timeout: 60_000,
}, () => {
  it("sees the end no later than the recipe at the bench's task lengths, with at most 10 more retrieves", async () => {
    for (const [question, lengthMs] of [
      [PLAIN, 1000],
      [PLAIN, 5000],
      [MULTI_STEP, 10_000],
      [MULTI_STEP, 20_000],
      [MULTI_STEP, 30_000],
      [MULTI_STEP, 60_000],
      [MULTI_STEP, 120_000],
    ] as const) {
      const [run] = await both(question, [lengthMs]);
      expect(run?.ours.endLagMs, `${lengthMs} ms`).toBeLessThanOrEqual(run?.recipe.endLagMs ?? 0);
      expect(run?.ours.retrieves).toBeLessThanOrEqual((run?.recipe.retrieves ?? 0) + 10);
    }
  });

  it("over spreads of lengths: a lower median lag, under 500 ms where the answer is seen being written", async () => {
    for (const [question, runs, goalMs] of [
      [PLAIN, await both(PLAIN, lengths(1000, 5000, 200)), 500],
      [MULTI_STEP, await both(MULTI_STEP, lengths(5000, 60_000, 1000)), 500],
      [MULTI_STEP, await both(MULTI_STEP, lengths(60_000, 120_000, 5000)), undefined],
    ] as const) {
      const ours = median(runs.map((run) => run.ours.endLagMs));
      const recipe = median(runs.map((run) => run.recipe.endLagMs));
      expect(ours, question).toBeLessThanOrEqual(recipe);
      if (goalMs !== undefined) expect(ours).toBeLessThanOrEqual(goalMs);
      for (const run of runs) expect(run.ours.retrieves).toBeLessThanOrEqual(run.recipe.retrieves + 10);
    }
  });

  it("runs of 2 minutes or more cost at most 30 retrieves a minute", async () => {
    for (const run of await both(MULTI_STEP, [120_000, 135_000, 150_000, 180_000])) {
      const runningMinutes = (run.lengthMs + run.ours.endLagMs) / 60_000;
      expect(run.ours.retrieves / runningMinutes).toBeLessThanOrEqual(30);
    }
  });
});
