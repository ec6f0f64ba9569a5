import { type AnswerUsage, addTokens, responseTokens } from "@/lib/shared/usage";
import type { RunView } from "@/lib/stream/run-view";

/**
 * One run's share of its answer's usage, added to what the answer had when the run's stream began (`base`:
 * the answer's earlier runs, an approval's or a retry's, or on a resumed stream the cycles an earlier stream
 * of this run already counted). Written into the message's metadata as cumulative totals after every cycle,
 * so a stream handed over mid-run leaves them in its snapshot and the next stream goes on from there; the run
 * time is added once, when the run ends.
 */
export class UsageTally {
  private usage: AnswerUsage;

  constructor(
    base: AnswerUsage | undefined,
    /** When the run began, as stored (its run time counts from there). */
    private readonly runStartedAt: number,
  ) {
    this.usage = base ?? { durationMs: 0, cycles: 0, toolCalls: 0 };
  }

  /** The upstream accepted a new response for the run: one more cycle (counted once, by the stream that made it). */
  cycleStarted(view: RunView): void {
    this.usage = { ...this.usage, cycles: this.usage.cycles + 1 };
    view.show({ type: "usage", usage: this.usage });
  }

  /** A response of the run ended: its tokens, when it reported them (a stopped one usually reports none). */
  cycleEnded(
    response: { readonly [field: string]: unknown } | undefined,
    toolCalls: number,
    view: RunView,
  ): void {
    const tokens = addTokens(this.usage.tokens, responseTokens(response));
    this.usage = { ...this.usage, toolCalls, ...(tokens ? { tokens } : {}) };
    view.show({ type: "usage", usage: this.usage });
  }

  /** The run ended at `now`: its run time joins the answer's. */
  runEnded(now: number, toolCalls: number, view: RunView): void {
    const durationMs = this.usage.durationMs + Math.max(0, now - this.runStartedAt);
    view.show({ type: "usage", usage: { ...this.usage, durationMs, toolCalls } });
  }
}
