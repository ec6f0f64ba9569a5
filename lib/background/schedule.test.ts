import { describe, expect, it } from "vitest";
import type { UpstreamItem } from "@/lib/shared/upstream";
import {
  EXTRA_LOOKS,
  ExtraLookAllowance,
  isSteadyLook,
  nextLookDelayMs,
  progressOf,
  type RunProgress,
  type ScheduleInput,
} from "./schedule";
import { message, response } from "./testing";

const reasoning = (status: string): UpstreamItem => ({ type: "reasoning", id: null, status, summary: [] });
const toolCall = (status: string): UpstreamItem => ({
  type: "function_call",
  id: status === "completed" ? "fc_1" : null,
  call_id: "c1",
  name: "query_sales_genie",
  arguments: "{}",
  status,
});

describe("progressOf: how near the end a look says the run is", () => {
  it("tells queued, started with nothing yet, busy with tools, and writing the answer apart", () => {
    expect(progressOf(response("queued", []), 0, false)).toBe("queued");
    expect(progressOf(response("in_progress", []), 0, false)).toBe("starting");
    expect(progressOf(response("in_progress", [reasoning("in_progress")]), 0, false)).toBe("working");
    expect(progressOf(response("in_progress", [toolCall("in_progress")]), 0, false)).toBe("working");
    // Between items (a tool ran, nothing new yet): more is to come.
    expect(progressOf(response("in_progress", [toolCall("completed")]), 1, true)).toBe("working");
    // Databricks shows the message being written id-less; OpenAI with its id and `in_progress`.
    expect(progressOf(response("in_progress", [message(null, "The answer")]), 0, false)).toBe("writing");
    expect(progressOf(response("in_progress", [message("m1", "The", "in_progress")]), 0, false)).toBe(
      "writing",
    );
  });

  it("is not fooled by an empty message or by one already shown", () => {
    expect(progressOf(response("in_progress", [message(null, "")]), 0, false)).toBe("working");
    // The finished message before the cursor was shown; nothing is being written now.
    expect(progressOf(response("in_progress", [message("m1", "Done")]), 1, true)).toBe("working");
  });
});

const at = (elapsedMs: number, progress: RunProgress, extra: Partial<ScheduleInput> = {}) =>
  elapsedMs + nextLookDelayMs({ elapsedMs, intervalMs: 2000, progress, extraLooks: 1, ...extra });

describe("nextLookDelayMs: when to look next (steady interval 2 s)", () => {
  it("looks every 500 ms while a short answer is written, then every second, on a lattice from create", () => {
    expect(at(26_000, "writing")).toBe(26_500);
    // A look that came back 40 ms late keeps the next one on the lattice instead of drifting.
    expect(at(26_540, "writing")).toBe(27_000);
    expect(at(26_000, "writing", { writingForMs: 2500 })).toBe(27_000);
    expect(at(27_000, "writing", { writingForMs: 3500 })).toBe(28_000);
  });

  it("leaves a run busy with tools to the steady interval's multiples", () => {
    expect(at(12_000, "working")).toBe(14_000);
    expect(at(12_000, "working", { itemsAtLastLook: true })).toBe(14_000);
    expect(at(12_000, "starting")).toBe(14_000);
  });

  it("in the first 5 s: a quick look at a run that may be a short answer, none at one busy for longer", () => {
    expect(at(500, "starting")).toBe(1000);
    expect(at(2000, "starting")).toBe(3000);
    expect(at(500, "queued")).toBe(2000);
    // Items finishing one after another: a short multi-step task.
    expect(at(2000, "working", { itemsAtLastLook: true })).toBe(3000);
    // Still queued at 2 s, or busy with nothing finished: next looked at after the first 5 s (repaying the
    // early looks), never later than one interval after that.
    expect(at(2000, "queued")).toBe(6000);
    expect(at(3000, "working")).toBe(6000);
    // With no early look to repay (an interval as short as the early gaps), nothing is skipped.
    expect(at(2000, "queued", { extraLooks: 0 })).toBe(4000);
  });

  it("spends at most EXTRA_LOOKS off the lattice, and none after the first minute", () => {
    expect(at(26_000, "writing", { extraLooks: EXTRA_LOOKS })).toBe(28_000);
    expect(at(61_000, "writing", { extraLooks: 0 })).toBe(62_000);
    expect(isSteadyLook(26_000, 2000)).toBe(true);
    expect(isSteadyLook(26_020, 2000)).toBe(true);
    expect(isSteadyLook(26_500, 2000)).toBe(false);
  });

  it("never waits longer than the interval once the first 5 s are over, whatever it is told", () => {
    const states: RunProgress[] = ["queued", "starting", "working", "writing"];
    for (const intervalMs of [250, 1000, 2000, 5000, 30_000])
      for (let elapsedMs = 5000; elapsedMs < 130_000; elapsedMs += 137)
        for (const progress of states)
          for (const extraLooks of [0, 3, EXTRA_LOOKS]) {
            const delay = nextLookDelayMs({
              elapsedMs,
              intervalMs,
              progress,
              extraLooks,
              writingForMs: 3000,
            });
            expect(delay).toBeGreaterThan(0);
            expect(delay).toBeLessThanOrEqual(intervalMs);
          }
  });

  it("with an interval shorter than the early gaps, looks at the interval throughout", () => {
    for (const progress of ["queued", "starting", "working", "writing"] as const)
      expect(nextLookDelayMs({ elapsedMs: 1000, intervalMs: 250, progress, extraLooks: 0 })).toBe(250);
  });
});

describe("ExtraLookAllowance: the extra looks of all the runs of a process", () => {
  it("gives out its burst at once, then as many a second as its rate, never more than the burst", () => {
    let now = 0;
    const allowance = new ExtraLookAllowance(() => now, 10, 3);
    const takeAll = () => {
      let taken = 0;
      while (allowance.take()) taken += 1;
      return taken;
    };
    expect(takeAll()).toBe(3);
    now += 500;
    // Half a second at 10 a second is 5, but no more than the burst is kept.
    expect(takeAll()).toBe(3);
    now += 100;
    expect(takeAll()).toBe(1);
    now += 60_000;
    expect(takeAll()).toBe(3);
  });
});
