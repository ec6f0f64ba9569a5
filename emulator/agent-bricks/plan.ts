// A run's whole future, fixed when it is accepted: when it leaves the queue, every event with the time the
// runtime writes it, what it finishes, and how it ends. Nothing runs later; reads compare the plan with the clock.

import { newResponseHex } from "../ids";
import { renderSteps } from "../render";
import { STREAM_TICK_MS } from "../stream";
import type { Timeline } from "../timeline";
import type { JsonObject } from "../types";
import { AgentEventLog, type FinishedItem, type TimedEvent } from "./agent-events";
import type { ActionRequest } from "./turn";

export type RunResult =
  /** `response` is what the adapter returned: `{output, status: "completed" | "interrupted"}`. */
  { status: "completed"; response: JsonObject } | { status: "failed"; reason: string };

export interface RunPlan {
  scenario: string;
  /** When a worker claims it (`run.started`); before that it is queued. */
  activeAtMs: number;
  /** When it is completed or failed. */
  endAtMs: number;
  events: TimedEvent[];
  /** One per worker that ran it (two after a crash), with the items each finished. */
  attempts: Array<{ startMs: number; finished: FinishedItem[] }>;
  result: RunResult;
  /** The tool calls an interrupted run leaves its session waiting on. */
  pause?: ActionRequest[];
}

export interface Schedule {
  activeAtMs: number;
  /** Real ms per scenario ms: the emulator's timeScale, or 0 for a run the client waited for. */
  scale: number;
  /** Set when the worker dies part-way: real ms before another worker takes the run over. */
  crashPauseMs?: number;
}

/** The scenario ms the template needs between being claimed and giving up on input it cannot use. */
const REFUSAL_MS = 100;

/** A run whose adapter raised before the agent did anything: started, then failed. */
export function refusedPlan(scenario: string, reason: string, { activeAtMs, scale }: Schedule): RunPlan {
  const endAtMs = activeAtMs + REFUSAL_MS * scale;
  return {
    scenario,
    activeAtMs,
    endAtMs,
    events: [
      { atMs: activeAtMs, event: { type: "run.started" } },
      { atMs: endAtMs, event: { type: "run.failed" } },
    ],
    attempts: [{ startMs: activeAtMs, finished: [] }],
    result: { status: "failed", reason },
  };
}

/** An agent run over a scenario timeline (its queue time is already in `activeAtMs`). */
export function agentPlan(timeline: Timeline, schedule: Schedule): RunPlan {
  const { scale, crashPauseMs } = schedule;
  const events: TimedEvent[] = [{ atMs: schedule.activeAtMs, event: { type: "run.started" } }];
  const attempts: RunPlan["attempts"] = [];
  let startMs = schedule.activeAtMs;
  if (crashPauseMs !== undefined) {
    const crashMs = crashPoint(timeline);
    const lost = attempt(timeline, startMs, scale, crashMs);
    events.push(...lost.events);
    attempts.push({ startMs, finished: lost.finished });
    // At least once: the next worker runs the turn again from its start, under new item ids.
    startMs += crashMs * scale + crashPauseMs;
    events.push({ atMs: startMs, event: { type: "run.started" } });
  }
  const endMs = stopPoint(timeline);
  const last = attempt(timeline, startMs, scale, endMs);
  events.push(...last.events);
  attempts.push({ startMs, finished: last.finished });
  const endAtMs = startMs + endMs * scale;
  const plan = { scenario: timeline.scenario, activeAtMs: schedule.activeAtMs, endAtMs, events, attempts };
  if (timeline.outcome.status === "failed") {
    events.push({ atMs: endAtMs, event: { type: "run.failed" } });
    return { ...plan, result: { status: "failed", reason: timeline.outcome.message } };
  }
  const interrupt = last.interrupt();
  if (interrupt) events.push({ atMs: endAtMs, event: interrupt });
  events.push({ atMs: endAtMs, event: { type: "run.completed" } });
  const response = {
    output: interrupt ? [...last.messages, interrupt] : last.messages,
    status: interrupt ? "interrupted" : "completed",
  };
  return {
    ...plan,
    result: { status: "completed", response },
    ...(interrupt ? { pause: last.actionRequests } : {}),
  };
}

/**
 * One worker's go at the timeline from `startMs` until `untilMs` scenario ms in: a frame every tick, diffed into
 * events. A failing scenario is rendered as if it went on, so the item it dies in stays open (deltas, no message).
 */
function attempt(timeline: Timeline, startMs: number, scale: number, untilMs: number): AgentEventLog {
  const unfailing: Timeline = { ...timeline, outcome: { status: "completed" } };
  const log = new AgentEventLog();
  const context = { flavor: "openai" as const, hex: newResponseHex(), firstPosition: 0 };
  const frame = (ms: number): void => {
    const { items, lastOpen } = renderSteps(unfailing, ms, context);
    log.record(items, lastOpen, startMs + ms * scale);
  };
  for (let ms = 0; ms < untilMs; ms += STREAM_TICK_MS) frame(ms);
  frame(untilMs);
  return log;
}

function stepsMs(timeline: Timeline): number {
  return timeline.steps.reduce((sum, step) => sum + step.ms, 0);
}

/** Scenario ms into the run where it ends: its last step, or where it fails. */
function stopPoint(timeline: Timeline): number {
  const total = stepsMs(timeline);
  return timeline.outcome.status === "failed" ? Math.min(timeline.outcome.atMs, total) : total;
}

/** Half way through the longest message the agent writes (else its longest step), before any failure. */
function crashPoint(timeline: Timeline): number {
  let start = 0;
  let best: { start: number; ms: number; message: boolean } | undefined;
  for (const step of timeline.steps) {
    const message = step.kind === "message";
    const better =
      step.kind !== "wait" &&
      (!best || (message && !best.message) || (message === best.message && step.ms > best.ms));
    if (better) best = { start, ms: step.ms, message };
    start += step.ms;
  }
  const point = best ? best.start + best.ms / 2 : start / 2;
  const stop = stopPoint(timeline);
  return point < stop ? point : stop / 2;
}
