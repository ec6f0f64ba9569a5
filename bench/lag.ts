// Benchmark 1: completion lag and retrieve calls, ours (pollBackgroundResponse) against the baseline, both over
// the real `openai` SDK against an in-process emulator, on the real clock.
//
// Ground truth: every run gets its own emulator whose clock can be pinned to any instant (`now` is
// `pinned ?? Date.now()`); rendering is a pure function of time, so after a run ends we ask the emulator what the
// response looked like at any past millisecond and binary-search the instant each output item became finished
// (the same test the engine applies: `isFinishedItem`, or the response terminal). Exact to 1 ms, no sampling.

import { createEmulator } from "@/emulator";
import { buildTimeline, timelineDuration } from "@/emulator/scenarios";
import {
  createEchoFilter,
  noEcho,
  pollBackgroundResponse,
  startBackgroundRun,
  streamBackgroundResponse,
  systemClock,
  userMessageItem,
} from "@/lib/background";
import { isFinishedItem } from "@/lib/background/cursor";
import {
  isMessageItem,
  isTerminalStatus,
  messageText,
  type UpstreamItem,
  type UpstreamResponse,
} from "@/lib/shared/upstream";
import { loadSupervisorConfig, toBackgroundClient } from "@/lib/supervisor";
import { createOpenAIClient } from "@/lib/supervisor/client";
import { baselinePoll, timerClock } from "./baseline";

/** `streamed`: ours on an upstream that streams background runs (the emulator's openai flavour). */
export type Engine = "ours" | "baseline" | "streamed";

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
  /** Per answer (message item): its first words on the way to the browser − its first words upstream, ms. */
  firstWordsLags: number[];
  /** Event-stream connections opened (streamed engine only). */
  streams: number;
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
const streamingConfig = loadSupervisorConfig({
  SUPERVISOR_PROVIDER: "openai",
  OPENAI_BASE_URL: "http://upstream.bench/v1",
  OPENAI_API_KEY: "k",
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
  const streamed = engine === "streamed";
  const emulator = createEmulator({
    flavor: streamed ? "openai" : "databricks",
    timeScale: timeScaleFor(task.question, targetMs),
    now: () => {
      const now = pinned ?? Date.now();
      if (Number.isNaN(createdAt)) createdAt = now;
      return now;
    },
  });
  /** Every retrieve: when the emulator rendered it and when its answer was back. */
  const retrieves: Array<{ renderedAt: number; answeredAt: number }> = [];
  let streams = 0;
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const renderedAt = Date.now();
    const response = await emulator.handle(request);
    if (response.headers.get("content-type")?.startsWith("text/event-stream")) streams += 1;
    else if (request.method === "GET") retrieves.push({ renderedAt, answeredAt: Date.now() });
    return response;
  };
  const client = toBackgroundClient(createOpenAIClient(streamed ? streamingConfig : config, { fetch }), {
    streaming: streamed,
  });
  const input = [userMessageItem(task.question)];
  const echo = streamed ? noEcho : createEchoFilter(input);

  const startedAt = Date.now();
  const emittedAt = new Map<number, number>();
  /** When each item's first text (a delta, or the item itself) was on its way to the browser. */
  const firstShownAt = new Map<number, number>();
  const shown = (index: number) => {
    if (!firstShownAt.has(index)) firstShownAt.set(index, Date.now());
  };
  let status = "unknown";
  let endSeenAt = Number.NaN;
  if (engine === "baseline") {
    const created = await client.create({ model: "m", input, background: true, stream: false });
    for await (const event of baselinePoll({ client, clock: timerClock, responseId: created.id, echo })) {
      if (event.type === "item") emittedAt.set(event.index, Date.now());
      if (event.type === "item" || event.type === "delta") shown(event.index);
      if (event.type === "end") {
        status = event.status;
        endSeenAt = Date.now();
      }
    }
  } else {
    const started = await startBackgroundRun(client, { model: "m", input });
    if (streamed && !started.events) throw new Error("the emulator did not stream the run");
    const follow = {
      client,
      clock: systemClock,
      responseId: started.response.id,
      echo,
      initial: started.response,
      startedAt,
      intervalMs: OURS_INTERVAL_MS,
    };
    const events = streamed
      ? streamBackgroundResponse({ ...follow, events: started.events })
      : pollBackgroundResponse(follow);
    for await (const event of events) {
      if (event.type === "item") emittedAt.set(event.index, Date.now());
      if (event.type === "item" || event.type === "delta") shown(event.index);
      if (event.type === "end") {
        status = event.outcome.status;
        endSeenAt = Date.now();
      }
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
  // A poller knows the run is over when the first retrieve rendered at or after the terminal instant answers.
  const seenAt = streamed
    ? endSeenAt
    : retrieves.find((retrieve) => retrieve.renderedAt >= terminalAt)?.answeredAt;
  if (seenAt === undefined || Number.isNaN(seenAt)) throw new Error("the end was not seen");
  const itemLags = [...emittedAt].map(([index, emitted]) => {
    const finishedAt = firstTime((response) => {
      const item = response.output?.[index] as UpstreamItem | undefined;
      return item !== undefined && (isTerminalStatus(response.status) || isFinishedItem(item));
    });
    return emitted - finishedAt;
  });
  const firstWordsLags = [...firstShownAt].flatMap(([index, shownAt]) => {
    const item = at(endedAt).output?.[index] as UpstreamItem | undefined;
    if (!item || !isMessageItem(item)) return [];
    const wroteAt = firstTime((response) => {
      const now = response.output?.[index] as UpstreamItem | undefined;
      return !!now && isMessageItem(now) && messageText(now).trim() !== "";
    });
    return [shownAt - wroteAt];
  });
  return {
    engine,
    task: task.label,
    upstreamMs: terminalAt - createdAt,
    targetMs,
    runningMs: seenAt - startedAt,
    retrieves: retrieves.length,
    itemLags,
    firstWordsLags,
    streams,
    completionLag: seenAt - terminalAt,
    status,
  };
}
