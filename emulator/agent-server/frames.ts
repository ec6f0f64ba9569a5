// What a run shows at one instant: its output items (every item has an id: they are rendered with the `openai`
// flavour's shapes) and which of them are finished. Pure: the same plan and instant give the same frame.

import { itemId } from "../ids";
import { renderSteps } from "../render";
import type { JsonObject } from "../types";
import type { RunPlan, Writes } from "./plan";

export type RunEnd = { status: "completed" } | { status: "failed"; message: string };

export interface AgentFrame {
  /** 1, or 2 once a second worker has taken the run over after a crash. */
  attempt: number;
  /** Output items by position, over both attempts: the second attempt's replace the first's from `redoFrom`. */
  items: JsonObject[];
  /** `items[0..settled)` are finished; the rest (at most one) is still being written, or was cut by a failure. */
  settled: number;
  /** Second attempt only: the output position from which it writes items again. */
  redoFrom?: number;
  writes: Writes;
  /** Set once the run is over. */
  end?: RunEnd;
}

/** Item ids per attempt: a second attempt writes new items, never the first one's ids. */
export interface AttemptHexes {
  first: string;
  second: string;
}

/** The run `ms` scenario ms after its create; undefined while nothing is being written (start-up, a dead worker). */
export function frameAt(plan: RunPlan, hexes: AttemptHexes, ms: number): AgentFrame | undefined {
  const { crash, timeline } = plan;
  if (crash && ms >= crash.atMs) {
    if (ms < crash.resumeAtMs) return undefined;
    // A resumed run always streams: the real server resumes through the agent's stream function.
    return secondAttempt(plan, hexes, crash.redoFromMs + (ms - crash.resumeAtMs));
  }
  if (ms < timeline.queuedMs) return undefined;
  const workedMs = ms - timeline.queuedMs;
  if (plan.writes === "invoke" && workedMs < plan.workMs) return undefined;
  return { attempt: 1, ...render(plan, hexes.first, workedMs), writes: plan.writes };
}

/** The finished run as one worker does it: what a foreground request answers. */
export function finalFrame(plan: RunPlan, hex: string): AgentFrame {
  return { attempt: 1, ...render(plan, hex, plan.workMs), writes: plan.writes };
}

function secondAttempt(plan: RunPlan, hexes: AttemptHexes, workedMs: number): AgentFrame {
  const redo = plan.crash?.redoPosition ?? 0;
  const redoFromMs = plan.crash?.redoFromMs ?? 0;
  // What the first attempt finished stays; the rest is the second attempt's own rendering, with its own ids.
  const kept = renderSteps(plan.timeline, redoFromMs, context(hexes.first)).items.slice(0, redo);
  const now = render(plan, hexes.second, workedMs);
  const ownCalls = new Map(
    kept.map((_, position) => [
      itemId("call", hexes.second, position),
      itemId("call", hexes.first, position),
    ]),
  );
  const redone = now.items.slice(redo).map((item) => {
    // The output of a call the first attempt made names that call.
    const callId = ownCalls.get(String(item.call_id));
    return item.type === "function_call_output" && callId ? { ...item, call_id: callId } : item;
  });
  return {
    attempt: 2,
    items: [...kept, ...redone],
    settled: now.settled,
    redoFrom: redo,
    writes: "stream",
    ...(now.end ? { end: now.end } : {}),
  };
}

function render(plan: RunPlan, hex: string, workedMs: number): Pick<AgentFrame, "items" | "settled" | "end"> {
  const { outcome } = plan.timeline;
  const over = workedMs >= plan.workMs;
  const rendered = renderSteps(plan.timeline, over ? Number.POSITIVE_INFINITY : workedMs, context(hex));
  const { items } = rendered;
  if (!over) return { items, settled: rendered.lastOpen ? items.length - 1 : items.length };
  if (outcome.status !== "failed") return { items, settled: items.length, end: { status: "completed" } };
  // The item being written when the run failed is left unfinished.
  const cut = plan.spans.find(
    (span) => span.position !== undefined && span.start <= outcome.atMs && outcome.atMs < span.end,
  );
  const settled = cut?.position !== undefined && cut.position < items.length ? cut.position : items.length;
  return { items, settled, end: { status: "failed", message: outcome.message } };
}

function context(hex: string) {
  return { flavor: "openai" as const, hex, firstPosition: 0 };
}
