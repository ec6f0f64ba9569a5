import { processState } from "@/lib/process-state";

/**
 * The poll loops running in this process, by run id, so Stop and a newer viewer can end them at once.
 * (Another server instance's loop notices a cancelled run by the run's stored state instead.)
 */
export type StopReason = "cancelled";

const live = processState("live-runs", () => new Map<string, Set<AbortController>>());

/** Register a loop for `runId`; returns its signal and a release function for when it ends. */
export function registerLiveRun(runId: string): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  let set = live.get(runId);
  if (!set) {
    set = new Set();
    live.set(runId, set);
  }
  set.add(controller);
  return {
    signal: controller.signal,
    release() {
      set.delete(controller);
      if (set.size === 0 && live.get(runId) === set) live.delete(runId);
    },
  };
}

/** End every loop of `runId` in this process; returns how many there were. */
export function stopLiveRun(runId: string, reason: StopReason): number {
  const set = live.get(runId);
  if (!set) return 0;
  for (const controller of set) controller.abort(reason);
  return set.size;
}
