// Benchmark 1: completion lag and retrieve calls, ours (pollBackgroundResponse) against the baseline, both over
// the real `openai` SDK against an in-process emulator, on the real clock.
//
// Ground truth: every run gets its own emulator whose clock can be pinned to any instant (`now` is
// `pinned ?? Date.now()`); rendering is a pure function of time, so after a run ends we ask the emulator what the
// response looked like at any past millisecond and binary-search the instant each output item became finished
// (the same test the engine applies: `isFinishedItem`, or the response terminal). Exact to 1 ms, no sampling.

import { createEmulator } from "@/emulator";
import { buildTimeline, timelineDuration } from "@/emulator/scenarios";
import { createEchoFilter, pollBackgroundResponse, systemClock, userMessageItem } from "@/lib/background";
import { isFinishedItem } from "@/lib/background/cursor";
import { isTerminalStatus, type UpstreamItem, type UpstreamResponse } from "@/lib/shared/upstream";
import { loadSupervisorConfig, toBackgroundClient } from "@/lib/supervisor";
import { createOpenAIClient } from "@/lib/supervisor/client";
import { baselinePoll } from "./baseline";

export type Engine = "ours" | "baseline";

export interface Task {
  label: string;
  /** Upstream duration wanted, real ms from create to the terminal status. */
  targetMs: number;
  /** When set, the runs' durations are spread evenly from `targetMs` to this. */
  spreadToMs?: number;
  question: string;
  runs: number;
}

export interface RunResult {
  engine: Engine;
  task: string;
  /** The upstream duration asked of the emulator. */
  targetMs: number;
  /** Real ms from the emulator's create to its terminal status (ground truth). */
  upstreamMs: number;
  /** Real ms from create until a retrieve showed the run over (what the retrieves were spent on). */
  runningMs: number;
  retrieves: number;
  /** Per emitted item: emitted − finished upstream, ms. */
  itemLags: number[];
  /** When a retrieve first showed the run over − upstream terminal, ms (the same for both engines: no reveal). */
  completionLag: number;
  status: string;
}

/** Our engine's steady interval for the benchmark (issue 6). */
export const OURS_INTERVAL_MS = 2000;

const config = loadSupervisorConfig({
  SUPERVISOR_PROVIDER: "databricks",
  DATABRICKS_HOST: "http://upstream.bench",
  DATABRICKS_TOKEN: "t",
});

/** The emulator time scale that makes `question`'s run take `targetMs` real ms. */
export function timeScaleFor(question: string, targetMs: number): number {
  return targetMs / timelineDuration(buildTimeline(question, 1));
}

/** The upstream duration of run `run` (0-based) of `task`. */
export function targetOf(task: Task, run: number): number {
  if (task.spreadToMs === undefined || task.runs < 2) return task.targetMs;
  return Math.round(task.targetMs + ((task.spreadToMs - task.targetMs) * run) / (task.runs - 1));
}

export async function runOnce(engine: Engine, task: Task, targetMs = task.targetMs): Promise<RunResult> {
  let pinned: number | undefined;
  /** The emulator's own `createdAtMs` of the run (its durations count from here): its first clock reading. */
  let createdAt = Number.NaN;
  const emulator = createEmulator({
    flavor: "databricks",
    timeScale: timeScaleFor(task.question, targetMs),
    now: () => {
      const now = pinned ?? Date.now();
      if (Number.isNaN(createdAt)) createdAt = now;
      return now;
    },
  });
  /** Every retrieve: when the emulator rendered it and when its answer was back. */
  const retrieves: Array<{ renderedAt: number; answeredAt: number }> = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const renderedAt = Date.now();
    const response = await emulator.handle(request);
    if (request.method === "GET") retrieves.push({ renderedAt, answeredAt: Date.now() });
    return response;
  };
  const client = toBackgroundClient(createOpenAIClient(config, { fetch }));
  const input = [userMessageItem(task.question)];
  const echo = createEchoFilter(input);

  const startedAt = Date.now();
  const created = await client.create({ model: "m", input, background: true, stream: false });
  const emittedAt = new Map<number, number>();
  let status = "unknown";
  if (engine === "ours") {
    const events = pollBackgroundResponse({
      client,
      clock: systemClock,
      responseId: created.id,
      echo,
      initial: created,
      startedAt,
      intervalMs: OURS_INTERVAL_MS,
    });
    for await (const event of events) {
      if (event.type === "item") emittedAt.set(event.index, Date.now());
      if (event.type === "end") status = event.outcome.status;
    }
  } else {
    for await (const event of baselinePoll({ client, clock: systemClock, responseId: created.id, echo })) {
      if (event.type === "item") emittedAt.set(event.index, Date.now());
      if (event.type === "end") status = event.status;
    }
  }
  const endedAt = Date.now();

  const at = (time: number): UpstreamResponse => {
    pinned = time;
    try {
      const view = emulator.inspect()[0];
      if (!view) throw new Error("the emulator lost the run");
      return view.response as unknown as UpstreamResponse;
    } finally {
      pinned = undefined;
    }
  };
  /** The first ms in [startedAt, endedAt] at which `done` holds (it is monotone in time). */
  const firstTime = (done: (response: UpstreamResponse) => boolean): number => {
    let lo = startedAt;
    let hi = endedAt;
    if (!done(at(hi))) throw new Error("not done by the engine's end");
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (done(at(mid))) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const terminalAt = firstTime((response) => isTerminalStatus(response.status));
  // The engine knows the run is over when the first retrieve rendered at or after the terminal instant answers.
  const seen = retrieves.find((retrieve) => retrieve.renderedAt >= terminalAt);
  if (!seen) throw new Error("no retrieve saw the end");
  const itemLags = [...emittedAt].map(([index, emitted]) => {
    const finishedAt = firstTime((response) => {
      const item = response.output?.[index] as UpstreamItem | undefined;
      return item !== undefined && (isTerminalStatus(response.status) || isFinishedItem(item));
    });
    return emitted - finishedAt;
  });
  return {
    engine,
    task: task.label,
    upstreamMs: terminalAt - createdAt,
    targetMs,
    runningMs: seen.answeredAt - startedAt,
    retrieves: retrieves.length,
    itemLags,
    completionLag: seen.answeredAt - terminalAt,
    status,
  };
}
