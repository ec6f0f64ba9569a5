import { processState } from "@/lib/process-state";

/**
 * The poll loops running in this process, by run id, so Stop and a newer viewer can end them at once.
 * (Another server instance's loop notices a cancelled run by the run's stored state instead.)
 */
export type StopReason = "cancelled" | "viewer";

interface LiveLoop {
  controller: AbortController;
  /** Followed by the server with nobody watching (`followers.ts`): it gives way to a browser's stream. */
  headless: boolean;
}

const live = processState("live-runs", () => new Map<string, Set<LiveLoop>>());

/**
 * Register a loop for `runId`; returns its signal and a release function for when it ends. A browser's loop
 * ends the run's headless loop (reason "viewer"): one loop follows the run, and it is the one someone watches.
 */
export function registerLiveRun(
  runId: string,
  { headless = false }: { headless?: boolean } = {},
): { signal: AbortSignal; release(): void } {
  const loop: LiveLoop = { controller: new AbortController(), headless };
  let set = live.get(runId);
  if (!set) {
    set = new Set();
    live.set(runId, set);
  }
  if (!headless) for (const other of set) if (other.headless) other.controller.abort("viewer");
  // A browser's loop that got here first keeps the run: the server's own one ends at once.
  if (headless && [...set].some((other) => !other.headless)) loop.controller.abort("viewer");
  set.add(loop);
  return {
    signal: loop.controller.signal,
    release() {
      set.delete(loop);
      if (set.size === 0 && live.get(runId) === set) live.delete(runId);
    },
  };
}

/** Whether any loop of this process follows `runId` now. */
export function isLiveRun(runId: string): boolean {
  return (live.get(runId)?.size ?? 0) > 0;
}

/** End every loop of `runId` in this process; returns how many there were. */
export function stopLiveRun(runId: string, reason: StopReason): number {
  const set = live.get(runId);
  if (!set) return 0;
  for (const loop of set) loop.controller.abort(reason);
  return set.size;
}
