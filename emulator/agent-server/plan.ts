// A run's plan, fixed at its create: which steps its timeline has, how it persists them, and whether (and
// where) its worker crashes. Everything is scenario milliseconds; the run's state at any instant follows from
// the plan alone (see frames.ts), so a fake clock drives crashes and resumes as it drives the rest.

import { STREAM_TICK_MS } from "../stream";
import type { Step, Timeline } from "../timeline";

/** One step of the timeline placed in the working phase (ms after the run leaves its start-up wait). */
export interface Span {
  step: Step;
  start: number;
  end: number;
  /** Output position of the step's item; undefined for waits. */
  position: number | undefined;
}

/**
 * How the agent's output reaches the database. `stream`: every event as it is produced (a create with
 * `stream: true`). `invoke`: the finished output items only, all at once when the run is over (a background
 * create without `stream`, which the real server runs through the agent's invoke function).
 */
export type Writes = "stream" | "invoke";

export interface CrashPlan {
  /** Scenario ms after the create at which the worker dies: nothing it would write from then on is written. */
  atMs: number;
  /** Scenario ms after the create at which a second worker takes the run over. */
  resumeAtMs: number;
  /** The step the second attempt starts from: the one in progress when the first worker died. */
  redoStep: number;
  /** Working-phase ms at which that step starts. */
  redoFromMs: number;
  /** Output position of the first item the second attempt writes. */
  redoPosition: number;
}

export interface RunPlan {
  timeline: Timeline;
  spans: Span[];
  /** Working-phase ms at which the run is over: its last step's end, or its failure. */
  workMs: number;
  writes: Writes;
  /** Positions of function calls that end a model turn (the agent then waits for the tool's output). */
  turnEnds: ReadonlySet<number>;
  crash?: CrashPlan;
}

export interface CrashRequest {
  /** Scenario ms after the create; default: see `defaultCrashPoint`. */
  atMs?: number;
  /** Scenario ms of silence before the run is resumed. */
  pauseMs: number;
}

export function planRun(timeline: Timeline, writes: Writes, crash?: CrashRequest): RunPlan {
  const spans = spansOf(timeline.steps);
  const stepsMs = spans.at(-1)?.end ?? 0;
  const { outcome } = timeline;
  const workMs = outcome.status === "failed" ? Math.min(outcome.atMs, stepsMs) : stepsMs;
  const plan: RunPlan = { timeline, spans, workMs, writes, turnEnds: turnEndsOf(spans) };
  const crashPlan = crash ? planCrash(plan, crash) : undefined;
  return crashPlan ? { ...plan, crash: crashPlan } : plan;
}

function spansOf(steps: Step[]): Span[] {
  let start = 0;
  let next = 0;
  return steps.map((step) => {
    const span = { step, start, end: start + step.ms, position: step.kind === "wait" ? undefined : next++ };
    start = span.end;
    return span;
  });
}

/** A function call whose next item is a tool's output closes its model turn (parallel calls close on the last). */
function turnEndsOf(spans: Span[]): Set<number> {
  const ends = new Set<number>();
  const items = spans.filter((span) => span.position !== undefined);
  items.forEach((span, index) => {
    if (span.step.kind === "function_call" && items[index + 1]?.step.kind === "function_call_output")
      ends.add(span.position as number);
  });
  return ends;
}

/**
 * The crash happens on a frame boundary, so what the first worker wrote is exactly what its last frame showed;
 * a run over before the crash point does not crash.
 */
function planCrash(plan: RunPlan, request: CrashRequest): CrashPlan | undefined {
  const { queuedMs } = plan.timeline;
  const requested = request.atMs ?? queuedMs + defaultCrashPoint(plan);
  const atMs = Math.max(0, Math.ceil(requested / STREAM_TICK_MS) * STREAM_TICK_MS);
  if (atMs >= queuedMs + plan.workMs) return undefined;
  // Working-phase ms of the last frame the first worker wrote (negative: it wrote none).
  const lastSeen = atMs - STREAM_TICK_MS - queuedMs;
  // An invoke run had persisted nothing, so the second attempt does it all.
  let redoStep = plan.writes === "invoke" || lastSeen < 0 ? 0 : stepAt(plan.spans, lastSeen);
  // A tool that was running is asked for again: the new attempt's model makes the call anew, then it runs.
  const nextItem = plan.spans.slice(redoStep).find((span) => span.position !== undefined);
  if (nextItem?.step.kind === "function_call_output") redoStep = nextItem.step.callStep;
  const redoSpan = plan.spans[redoStep];
  return {
    atMs,
    resumeAtMs: atMs + request.pauseMs,
    redoStep,
    redoFromMs: redoSpan?.start ?? plan.workMs,
    redoPosition: plan.spans.slice(0, redoStep).filter((span) => span.position !== undefined).length,
  };
}

/** Halfway through the longest stretch of message writing the run gets to, else 40 % into its working phase. */
function defaultCrashPoint(plan: RunPlan): number {
  let best: { from: number; ms: number } | undefined;
  for (const span of plan.spans) {
    if (span.step.kind !== "message") continue;
    const ms = Math.min(span.end, plan.workMs) - span.start;
    if (ms > 0 && ms > (best?.ms ?? 0)) best = { from: span.start, ms };
  }
  return best ? best.from + best.ms / 2 : plan.workMs * 0.4;
}

/** Index of the step in progress `ms` into the working phase. */
function stepAt(spans: Span[], ms: number): number {
  const index = spans.findIndex((span) => span.start <= ms && ms < span.end);
  return index >= 0 ? index : Math.max(0, spans.length - 1);
}
