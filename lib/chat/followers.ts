import { processState } from "@/lib/process-state";
import { isLiveRun } from "./live-runs";
import type { RunAdopter, TurnDeps, UnfollowedRun } from "./respond";
import { resumeChatRun } from "./resume";

/**
 * How long a run may go without a loop before the server follows it itself: a browser handed over (the stream's
 * time budget) or reloading is back well within it, and then it is the one that follows the run.
 */
export const ADOPT_AFTER_MS = 3_000;

/**
 * The server follows every open run to its end, whether or not anyone watches: a run whose last stream ended
 * (the tab closed, the browser went offline) is taken up here after ADOPT_AFTER_MS, by the same code a browser's
 * stream runs (`resumeChatRun`), with the stream read by nobody. Items are stored in order and once, the app's
 * function tools run and the next cycle is submitted, the run's limit and Stop hold. A browser that opens the
 * chat meanwhile replays what is stored and follows the run itself: the server's loop gives way to it
 * (`registerLiveRun`), and takes over again when that browser leaves.
 */
export class RunFollowers implements RunAdopter {
  private readonly waiting = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly following = new Set<string>();

  constructor(private readonly adoptAfterMs = ADOPT_AFTER_MS) {}

  /** A stream of `run` ended with the run still going: follow it unless a loop has it after the grace. */
  unfollowed(run: UnfollowedRun, deps: TurnDeps): void {
    if (this.waiting.has(run.runId)) return;
    const timer = setTimeout(() => {
      this.waiting.delete(run.runId);
      void this.adopt(run, deps);
    }, this.adoptAfterMs);
    // A run waiting for adoption does not keep a process alive that is otherwise done (tests, a stopping server).
    timer.unref?.();
    this.waiting.set(run.runId, timer);
  }

  /** Runs this process follows with nobody watching, now. */
  followed(): number {
    return this.following.size;
  }

  private async adopt(run: UnfollowedRun, deps: TurnDeps): Promise<void> {
    if (isLiveRun(run.runId) || this.following.has(run.runId)) return;
    this.following.add(run.runId);
    try {
      const response = await resumeChatRun(
        { ...deps, followers: this },
        { ...run, settings: deps.settings, headless: true },
      );
      await response?.body?.pipeTo(new WritableStream());
    } catch (err) {
      console.error(`Following run ${run.runId} of chat ${run.chatId} failed: ${messageOf(err)}`);
    } finally {
      this.following.delete(run.runId);
    }
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** This process's followers (one per process: the runs it left are its to finish). */
export function processFollowers(): RunFollowers {
  return processState("run-followers", () => new RunFollowers());
}

/**
 * When a server starts: follow every run still open in the database (its server stopped, or its browser went
 * while no server was up), each after the same grace a browser has to come back in. Returns how many.
 */
export async function followOpenRuns(deps: TurnDeps, followers: RunAdopter = processFollowers()) {
  const open = await deps.store.listOpenRuns();
  for (const run of open) followers.unfollowed(run, deps);
  return open.length;
}
