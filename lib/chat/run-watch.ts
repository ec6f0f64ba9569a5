import { setImmediate } from "node:timers/promises";
import type { BackgroundClient, Clock } from "@/lib/background";
import type { ChatStore, RunCheck } from "@/lib/db/chat-store";
import { processState } from "@/lib/process-state";

/**
 * Why the stored run ended this stream's polling: stopped, no longer the chat's run, or (for the server's own
 * loop) followed by another instance now.
 */
export type WatchStop = "cancelled" | "gone" | "elsewhere";

export interface RunWatch {
  /**
   * Aborts with a WatchStop reason when the stored run was stopped elsewhere or is no longer the chat's run, or
   * (the server's own loop, `followedBy`) when another instance follows it now.
   */
  signal: AbortSignal;
  /** The client with every retrieve counted towards the run's stored poll count. */
  client: BackgroundClient;
  /** Retrieves this stream has made so far (counted or not yet). */
  retrieves(): number;
  /** End the watch and store the polls not yet counted. */
  close(): Promise<void>;
}

/** The watch re-reads the run at most this often, whatever the poll interval. */
const MIN_WATCH_INTERVAL_MS = 1000;

/**
 * Retrieves are counted into the stored run once this many have gathered (every ~20 s at the 2 s interval),
 * and the rest when the watch closes, not at every check: each count is an UPDATE, which leaves a dead row
 * version behind, and embedded PGlite has no autovacuum, so a write per run per second bloated the runs table
 * until every check slowed down (1000 runs: a 25 ms check took 250 ms after ten rounds of writes).
 */
const POLLS_PER_WRITE = 10;

/**
 * Runs checked per query: embedded PGlite runs a query on the event loop from start to end, so a thousand
 * runs in one query would stall every stream of the process for its whole duration (100 runs: ~10 ms).
 */
const RUNS_PER_QUERY = 50;

/** One stream's watch of its run, as the shared checker holds it. */
interface WatchedRun {
  chatId: string;
  runId: string;
  /** Retrieves made since the last check. */
  uncounted: number;
  stop: AbortController;
  /** The instance this loop follows the run for, when it should end once the run is followed elsewhere. */
  followedBy?: string;
}

/**
 * Every run this process's streams watch, re-read together: one `checkRuns` query per RUNS_PER_QUERY runs per
 * interval, rather than one query per stream per interval (a thousand streams made a thousand writes a second,
 * and embedded PGlite runs its queries on the event loop). Runs while it has watches, stops when the last one
 * closes.
 */
class SharedRunChecker {
  private readonly watched = new Set<WatchedRun>();
  private idle: AbortController | undefined;
  /** The check under way, so a closing watch can let it land before storing the rest of its polls. */
  private checking: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ChatStore,
    private readonly clock: Clock,
    private readonly intervalMs: number,
  ) {}

  add(run: WatchedRun) {
    this.watched.add(run);
    if (!this.idle) {
      this.idle = new AbortController();
      void this.loop(this.idle.signal);
    }
  }

  /** Resolves once a check that may have counted this run's polls has landed. */
  remove(run: WatchedRun): Promise<void> {
    this.watched.delete(run);
    if (this.watched.size === 0) {
      this.idle?.abort();
      this.idle = undefined;
    }
    return this.checking;
  }

  private async loop(idle: AbortSignal) {
    while (!idle.aborted) {
      await this.clock.sleep(this.intervalMs, idle);
      if (idle.aborted) return;
      this.checking = this.checkAll();
      await this.checking;
    }
  }

  private async checkAll() {
    const runs = [...this.watched].filter((run) => !run.stop.signal.aborted);
    for (let start = 0; start < runs.length; start += RUNS_PER_QUERY) {
      // A PGlite query settles in microtasks, so back-to-back queries would hold the event loop for all of
      // them (1,000 runs: ~150 ms every interval, the p99 of the loop's delay). Timers and sockets go between.
      if (start > 0) await setImmediate();
      await this.check(runs.slice(start, start + RUNS_PER_QUERY));
    }
  }

  private async check(runs: WatchedRun[]) {
    const checks = runs.map((run) => ({
      chatId: run.chatId,
      runId: run.runId,
      polls: run.uncounted >= POLLS_PER_WRITE ? take(run) : 0,
    }));
    let results: (RunCheck | undefined)[];
    try {
      results = await this.store.checkRuns(checks);
    } catch {
      // The database hiccuped: keep polling, count these polls later, look again next time.
      runs.forEach((run, i) => {
        run.uncounted += checks[i]?.polls ?? 0;
      });
      return;
    }
    runs.forEach((run, i) => {
      const check = results[i];
      if (!check) run.stop.abort("gone" satisfies WatchStop);
      else if (check.state === "cancelled") run.stop.abort("cancelled" satisfies WatchStop);
      else if (run.followedBy && check.follower && check.follower !== run.followedBy)
        run.stop.abort("elsewhere" satisfies WatchStop);
    });
  }
}

function take(run: WatchedRun): number {
  const polls = run.uncounted;
  run.uncounted = 0;
  return polls;
}

/**
 * The process's checkers, one per store, clock and interval (in practice one). On globalThis: Next loads this
 * module in several bundles (the chat route, the resume route), and their streams should share one query.
 */
function checkerFor(store: ChatStore, clock: Clock, intervalMs: number): SharedRunChecker {
  const byStore = processState(
    "run-checkers",
    () => new WeakMap<ChatStore, Map<Clock, Map<number, SharedRunChecker>>>(),
  );
  const byClock = byStore.get(store) ?? new Map<Clock, Map<number, SharedRunChecker>>();
  byStore.set(store, byClock);
  const byInterval = byClock.get(clock) ?? new Map<number, SharedRunChecker>();
  byClock.set(clock, byInterval);
  let checker = byInterval.get(intervalMs);
  if (!checker) {
    checker = new SharedRunChecker(store, clock, intervalMs);
    byInterval.set(intervalMs, checker);
  }
  return checker;
}

/**
 * Re-read the run's stored state while a stream polls it. Stop on another server instance reaches this
 * process's loop only through the database; without this it would poll on until its stream budget ran out.
 * (Not on a process-local store, which has no other instance: see below.)
 * The retrieves are added to the run's poll count every POLLS_PER_WRITE and when the watch closes. The checks
 * of all the process's streams are made together (SharedRunChecker).
 */
export function watchStoredRun(options: {
  store: ChatStore;
  client: BackgroundClient;
  clock: Clock;
  chatId: string;
  runId: string;
  intervalMs: number;
  /** End the watch ("elsewhere") when the stored run names another follower than this instance. */
  followedBy?: string;
}): RunWatch {
  const { store, chatId, runId, followedBy } = options;
  const run: WatchedRun = { chatId, runId, uncounted: 0, stop: new AbortController(), followedBy };
  // A process-local store (embedded PGlite) has no other instance to stop a run: this process's Stop reaches
  // the loop directly (live-runs), and the upstream reports the cancel at the next retrieve anyway. Its runs are
  // not re-read then, only their retrieves counted at the end: PGlite runs every query on the event loop, and
  // 1,000 runs' checks (twenty 50-run queries per interval) were the loop's longest stalls.
  const checker = store.processLocal
    ? undefined
    : checkerFor(store, options.clock, Math.max(options.intervalMs, MIN_WATCH_INTERVAL_MS));
  checker?.add(run);

  let retrieves = 0;
  const client: BackgroundClient = {
    ...options.client,
    retrieve: (responseId, opts) => {
      run.uncounted += 1;
      retrieves += 1;
      return options.client.retrieve(responseId, opts);
    },
  };

  return {
    signal: run.stop.signal,
    client,
    retrieves: () => retrieves,
    async close() {
      await checker?.remove(run);
      const polls = take(run);
      if (polls > 0) await store.checkRun(chatId, runId, polls).catch(() => undefined);
    },
  };
}
