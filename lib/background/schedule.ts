// When to look at a polled run next: from what the last look showed, not from a fixed timetable.
//
// Looks fall on a lattice counted from create: the steady interval's multiples (2 s, 4 s, 6 s… at the 2 s
// default) are the ceiling, so after the first 5 s no wait is longer than the interval, and a long run costs
// one retrieve per interval, the same as the fixed-poll recipe. On top of those, a run gets a few extra looks
// where the last look said the end may be near (see `progressOf`): every 500 ms while the answer is being
// written (every second once it has been written for a while), and more often in its first 5 s. The extra looks
// are a small budget spent in a run's first minute (EXTRA_LOOKS); past that minute every look is on the
// steady lattice, so runs of minutes keep to one retrieve per interval. Extra looks are also shared out across
// every run the process follows (ExtraLookAllowance): with hundreds of runs in flight they would add a burst of
// retrieves on top of the steady ones, so past its rate runs keep to the steady lattice.

import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import { isFinishedItem } from "./cursor";

/**
 * What a look at a running response says about how near its end is:
 * - `queued`: not started (a Databricks run waits `queued` before it runs);
 * - `starting`: running, nothing produced yet (a short answer may be on its way);
 * - `working`: reasoning, a tool call in flight, or between items: more is to come;
 * - `writing`: an unfinished assistant message with words in it, past what was shown: the end is near.
 */
export type RunProgress = "queued" | "starting" | "working" | "writing";

export function progressOf(response: UpstreamResponse, cursor: number, producedAny: boolean): RunProgress {
  const output = response.output ?? [];
  if (isWritingAnswer(output, cursor)) return "writing";
  if (response.status === "queued") return "queued";
  if (!producedAny && output.length <= cursor) return "starting";
  return "working";
}

/**
 * The upstream is writing the answer: an assistant message not yet finished (an id-less or `in_progress` item)
 * sits at or after the cursor, with some text already. Polled runs show no text until the message is finished,
 * so this is the one sign that words are coming.
 */
export function isWritingAnswer(output: readonly UpstreamItem[], cursor: number): boolean {
  return output
    .slice(cursor)
    .some(
      (item) =>
        item.type === "message" &&
        item.role === "assistant" &&
        !isFinishedItem(item) &&
        Array.isArray(item.content) &&
        item.content.some(
          (part) =>
            typeof part === "object" &&
            part !== null &&
            typeof (part as { text?: unknown }).text === "string" &&
            (part as { text: string }).text.length > 0,
        ),
    );
}

/** The first look at a fresh run, this long after create: a short answer is often being written by then. */
export const FIRST_LOOK_MS = 500;
/** For this long after create, a run that may be a short task gets extra looks. */
export const EARLY_PHASE_MS = 5_000;
/** Its first part: a run that has not started (or shown anything) by then is not a task of a second or two. */
export const QUICK_PHASE_MS = 2_000;
/** Gap between looks while a short answer is being written, and at the start of a run with nothing to show yet. */
export const NEAR_END_GAP_MS = 500;
/** Gap between looks in the first 5 s while items finish one after another (a short multi-step task). */
export const EARLY_BUSY_GAP_MS = 1_000;
/** An answer written for this long is looked at every WRITING_LONG_GAP_MS instead of NEAR_END_GAP_MS. */
export const WRITING_QUICK_MS = 2_000;
export const WRITING_LONG_GAP_MS = 1_000;
/** Looks off the steady lattice a run may make, only in its first minute (EXTRA_LOOKS_WITHIN_MS). */
export const EXTRA_LOOKS = 8;
export const EXTRA_LOOKS_WITHIN_MS = 60_000;

export interface ScheduleInput {
  /** Since create (the lattice's origin). */
  elapsedMs: number;
  /** The steady interval: the ceiling on any wait once the first 5 s are over. */
  intervalMs: number;
  progress: RunProgress;
  /** Looks made so far that were off the steady lattice. */
  extraLooks: number;
  /** How long the answer has been seen being written (0 when it is not). */
  writingForMs?: number;
  /** The last look brought newly finished items (a run moving fast). */
  itemsAtLastLook?: boolean;
  /** The process may make an extra look now (ExtraLookAllowance); false keeps this run on the steady lattice. */
  extraAllowed?: boolean;
}

/**
 * How long to wait before the next look: until the next point of the steady lattice, or sooner, on a finer
 * lattice, when the run's progress says the end may be near and the extra-look budget allows.
 */
export function nextLookDelayMs(input: ScheduleInput): number {
  const { elapsedMs, intervalMs, extraLooks } = input;
  const steadyAt = repaysEarlyLooks(input)
    ? latticePointAfter(Math.max(elapsedMs, EARLY_PHASE_MS - 1), intervalMs)
    : // Never longer than the interval, also when a slow retrieve ended just short of a lattice point.
      Math.min(latticePointAfter(elapsedMs, intervalMs), elapsedMs + intervalMs);
  const gap = nearEndGapMs(input);
  const budgetLeft =
    input.extraAllowed !== false && extraLooks < EXTRA_LOOKS && elapsedMs < EXTRA_LOOKS_WITHIN_MS;
  const soonerAt =
    gap !== undefined && budgetLeft ? latticePointAfter(elapsedMs, Math.min(gap, intervalMs)) : steadyAt;
  return Math.max(1, Math.min(steadyAt, soonerAt) - elapsedMs);
}

/** Whether a look `elapsedMs` after create is one of the steady lattice's (not an extra look). */
export function isSteadyLook(elapsedMs: number, intervalMs: number): boolean {
  const offset = elapsedMs % intervalMs;
  return offset < LATTICE_SLACK_MS || intervalMs - offset < LATTICE_SLACK_MS;
}

/**
 * A look this close to a lattice point counts as on it; a look that ends this close before one skips it
 * rather than look again at once (the clock moves on while a retrieve is made).
 */
const LATTICE_SLACK_MS = 50;

/** The gap of the finer lattice when the end may be near; undefined when it is not. */
function nearEndGapMs({
  elapsedMs,
  progress,
  writingForMs = 0,
  itemsAtLastLook = false,
}: ScheduleInput): number | undefined {
  // A short answer is written within ~2 s of its first words; a longer one is looked at every second, which
  // still sees its end 250–500 ms late at half the cost, and leaves budget for the end.
  if (progress === "writing") return writingForMs < WRITING_QUICK_MS ? NEAR_END_GAP_MS : WRITING_LONG_GAP_MS;
  if (elapsedMs >= EARLY_PHASE_MS) return undefined;
  const quick = elapsedMs < QUICK_PHASE_MS;
  switch (progress) {
    case "starting":
      // Started, nothing to show yet: a short answer's words are close. Every second once 2 s have gone by (an
      // upstream that shows nothing until the end looks like this all along).
      return quick ? NEAR_END_GAP_MS : EARLY_BUSY_GAP_MS;
    case "working":
      // Items finishing from one look to the next: a short multi-step task. One long tool call or long
      // reasoning is left to the steady lattice.
      return itemsAtLastLook ? EARLY_BUSY_GAP_MS : undefined;
    default:
      // Queued: looked at again once it may have started.
      return quick ? QUICK_PHASE_MS : undefined;
  }
}

/**
 * 2 s after create, still queued, or busy (reasoning, a tool call) with nothing finished since the last look:
 * the run has its work ahead of it and will not be done within 5 s. When it had extra looks, its next look is
 * the first steady one after the first 5 s, skipping those before: that repays them, so a run of minutes costs
 * no more looks than one per interval.
 */
function repaysEarlyLooks({ elapsedMs, progress, extraLooks, itemsAtLastLook }: ScheduleInput): boolean {
  if (extraLooks === 0 || elapsedMs < QUICK_PHASE_MS || elapsedMs >= EARLY_PHASE_MS) return false;
  return progress === "queued" || (progress === "working" && !itemsAtLastLook);
}

/** The first multiple of `step` more than LATTICE_SLACK_MS after `fromMs`. */
function latticePointAfter(fromMs: number, step: number): number {
  return (Math.floor((fromMs + LATTICE_SLACK_MS) / step) + 1) * step;
}

/**
 * The extra looks of every run a process follows, as a token bucket: `perSecond` of them on average, `burst` at
 * once. A few runs at a time never meet it (a run makes at most EXTRA_LOOKS); a thousand runs started within
 * seconds of each other would otherwise add ~40 % to the steady retrieves while they start and write.
 */
export class ExtraLookAllowance {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly now: () => number,
    readonly perSecond = EXTRA_LOOKS_PER_SECOND,
    readonly burst = EXTRA_LOOKS_BURST,
  ) {
    this.tokens = burst;
    this.refilledAt = now();
  }

  /** Spend one extra look if there is one; false when the process has used its share for now. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * The process's extra looks: 20 a second, up to 60 at once. A hundred runs of a minute each start ~2 a second
 * and ask for ~15 extra looks a second; a thousand runs at once would ask for ten times that, on top of 500
 * steady looks a second: capped here, they add ~4 % instead of ~15 %.
 */
export const EXTRA_LOOKS_PER_SECOND = 20;
export const EXTRA_LOOKS_BURST = 60;

/**
 * One run's looks: where its lattice starts, the extra looks it spent, how long the answer has been seen being
 * written. `looking()` before each retrieve, `nextDelayMs()` after each look that found the run still going.
 */
export class LookPlanner {
  private extraLooks = 0;
  /** When the answer was first seen being written (NaN while it is not). */
  private writingSince = Number.NaN;

  constructor(
    private readonly now: () => number,
    /** Create (or, for a run already under way, when it started): the lattice's origin. */
    private readonly origin: number,
    private readonly intervalMs: number,
    /** Shared by the runs of a process; without one, a run's own budget is the only limit. */
    private readonly allowance?: ExtraLookAllowance,
  ) {}

  /** A retrieve is made now: off the steady lattice, it spends an extra look. */
  looking(): void {
    if (!isSteadyLook(this.now() - this.origin, this.intervalMs)) this.extraLooks += 1;
  }

  /** The wait before a fresh run's first look: `preferredMs`, or the first steady look when the process is out of extra ones. */
  firstDelayMs(preferredMs: number): number {
    const elapsedMs = this.now() - this.origin;
    if (!this.allowance || isSteadyLook(elapsedMs + preferredMs, this.intervalMs) || this.allowance.take())
      return preferredMs;
    return latticePointAfter(elapsedMs, this.intervalMs) - elapsedMs;
  }

  nextDelayMs(progress: RunProgress, itemsAtLastLook: boolean): number {
    const now = this.now();
    if (progress !== "writing") this.writingSince = Number.NaN;
    else if (Number.isNaN(this.writingSince)) this.writingSince = now;
    const input: ScheduleInput = {
      elapsedMs: now - this.origin,
      intervalMs: this.intervalMs,
      progress,
      extraLooks: this.extraLooks,
      writingForMs: Number.isNaN(this.writingSince) ? 0 : now - this.writingSince,
      itemsAtLastLook,
    };
    const delayMs = nextLookDelayMs(input);
    if (!this.allowance || isSteadyLook(input.elapsedMs + delayMs, this.intervalMs)) return delayMs;
    return this.allowance.take() ? delayMs : nextLookDelayMs({ ...input, extraAllowed: false });
  }
}
