import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChatStore, OpenRun } from "@/lib/db/chat-store";
import { processState } from "@/lib/process-state";
import { errorText } from "@/lib/shared/named-error";
import { isLiveRun } from "./live-runs";
import { notifyRunEnded } from "./notify";
import type { RunAdopter, TurnDeps } from "./respond";
import { resumeChatRun } from "./resume";

/**
 * How long a run may go without a loop before the server follows it itself: a browser handed over (the stream's
 * time budget) or reloading is back well within it, and then it is the one that follows the run.
 */
export const ADOPT_AFTER_MS = 3_000;

/** How often an instance says it is alive and looks for runs whose follower is gone (several instances). */
export const SWEEP_EVERY_MS = 1_000;

/**
 * An instance not heard from for this long is gone, and the runs it followed are taken over: a few missed
 * heartbeats, so a busy moment is not a death, and a takeover within two steady poll intervals (2 s each).
 */
export const FOLLOWER_STALE_MS = 2_500;

/**
 * Runs taken over per sweep and instance: a dead instance's runs are spread over the instances left (each sweeps
 * at its own moment), and up to this many are followed again within one sweep of being given up on, so a
 * takeover stays within two steady poll intervals (`npm run bench -- takeover`).
 */
const CLAIMS_PER_SWEEP = 250;

/** What one `advance` did: runs followed, and how many of them were still going when its time was up. */
export interface AdvanceReport {
  followed: number;
  left: number;
}

export interface FollowerOptions {
  /** This server instance's id in the database (`server_instances`); a new one per process. */
  instanceId?: string;
  adoptAfterMs?: number;
  sweepEveryMs?: number;
  staleMs?: number;
  /**
   * The upstream announces each response's end (OpenAI's webhooks, `receiveRunEnd`): a run nobody watches is
   * not followed until then, and a follower stops once the run's next cycle is under way (its end comes too).
   */
  endsByWebhook?: boolean;
}

/**
 * The server follows every open run to its end, whether or not anyone watches. A run whose last stream ended
 * (the tab closed, the browser went offline) is taken up after ADOPT_AFTER_MS, by the same code a browser's
 * stream runs (`resumeChatRun`), with the stream read by nobody: items are stored in order and once, the app's
 * function tools run and the next cycle is submitted, the run's limit and Stop hold. A browser that opens the
 * chat meanwhile replays what is stored and follows the run itself; the server's loop gives way to it (in this
 * process by `registerLiveRun`, on another instance by the run's stored follower), and takes over again when
 * that browser leaves.
 *
 * Several instances on one PostgreSQL (`sweep`): each run names the instance that follows it, each instance
 * heartbeats every second, and the runs of an instance not heard from for FOLLOWER_STALE_MS are claimed by
 * another (`claimOrphanedRuns`, each run by one) and followed there from the stored cursor.
 */
export class RunFollowers implements RunAdopter {
  readonly instanceId: string;
  private readonly adoptAfterMs: number;
  private readonly sweepEveryMs: number;
  readonly staleMs: number;
  readonly endsByWebhook: boolean;
  private readonly waiting = new Map<string, ReturnType<typeof setTimeout>>();
  /** The runs this instance follows with nobody watching, each with what ends that loop. */
  private readonly following = new Map<string, AbortController>();
  private sweeping: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  /** Runs this instance has taken up, ever. */
  private adopted = 0;

  constructor(options: FollowerOptions = {}) {
    this.instanceId = options.instanceId ?? randomUUID();
    this.adoptAfterMs = options.adoptAfterMs ?? ADOPT_AFTER_MS;
    this.sweepEveryMs = options.sweepEveryMs ?? SWEEP_EVERY_MS;
    this.staleMs = options.staleMs ?? FOLLOWER_STALE_MS;
    this.endsByWebhook = options.endsByWebhook ?? false;
  }

  /** A browser's stream on this instance follows `run` now: other instances' loops give way to it. */
  watching(run: Omit<OpenRun, "ownerId">, deps: TurnDeps): void {
    if (deps.store.processLocal) return;
    deps.store.followRun(run.chatId, run.runId, this.instanceId).catch((err: unknown) => {
      console.error(`Could not record who follows run ${run.runId}: ${errorText(err)}`);
    });
  }

  /** A stream of `run` ended with the run still going: follow it unless a loop has it after the grace. */
  unfollowed(run: OpenRun, deps: TurnDeps): void {
    if (this.stopped || this.endsByWebhook || this.waiting.has(run.runId)) return;
    const timer = setTimeout(() => {
      this.waiting.delete(run.runId);
      void this.adopt(run, deps);
    }, this.adoptAfterMs);
    // A run waiting for adoption does not keep a process alive that is otherwise done (tests, a stopping server).
    timer.unref?.();
    this.waiting.set(run.runId, timer);
  }

  /** Runs this instance follows with nobody watching, now. */
  followed(): number {
    return this.following.size;
  }

  /**
   * Heartbeat and take over the runs of instances that went silent, every `sweepEveryMs`, until `stop`: for
   * a database several instances share. Resolves after the first sweep.
   */
  async sweep(deps: TurnDeps): Promise<void> {
    if (this.sweeping || this.stopped) return;
    this.sweeping = setInterval(() => void this.sweepOnce(deps), this.sweepEveryMs);
    this.sweeping.unref?.();
    await this.sweepOnce(deps);
  }

  /**
   * For a server that lives only while it answers a request (Vercel's cron route): follow every open run
   * nobody follows for up to `budgetMs`, then stop. A run still going then is left at its stored cursor, and
   * this instance's silence hands it to the next call (or any instance) within FOLLOWER_STALE_MS.
   */
  async advance(deps: TurnDeps, budgetMs: number): Promise<AdvanceReport> {
    const deadline = Date.now() + budgetMs;
    if (deps.store.processLocal) {
      // This process's own followers (or a browser's stream) have the runs they follow: `adopt` skips those.
      for (const run of await deps.store.listOpenRuns()) void this.adopt(run, deps);
    } else await this.sweep(deps);
    // `adopt` marks its run followed at once; the loops then end as their runs do.
    while (this.following.size > 0 && Date.now() < deadline)
      await sleep(Math.min(100, deadline - Date.now()));
    const left = this.following.size;
    this.stop();
    return { followed: this.adopted, left };
  }

  /** Stop sweeping and end every loop this instance runs with nobody watching (a server shutting down). */
  stop(): void {
    this.stopped = true;
    clearInterval(this.sweeping);
    this.sweeping = undefined;
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    for (const loop of this.following.values()) loop.abort("stopping");
  }

  /**
   * Follow `run` now, with nobody watching, and resolve when this loop is done with it (its end is stored, the
   * next cycle is under way where ends come by webhook, or another loop has it): an upstream said its response
   * ended. A run a loop follows already is left to that loop.
   */
  followNow(run: OpenRun, deps: TurnDeps): Promise<void> {
    return this.adopt(run, deps);
  }

  private async sweepOnce(deps: TurnDeps): Promise<void> {
    try {
      await deps.store.heartbeat(this.instanceId);
      // Where ends come by webhook, a run whose follower went silent waits for its webhook like any other.
      if (this.endsByWebhook) return;
      const orphaned = await deps.store.claimOrphanedRuns(
        this.instanceId,
        Date.now() - this.staleMs,
        CLAIMS_PER_SWEEP,
      );
      for (const run of orphaned) void this.adopt(run, deps);
    } catch (err) {
      console.error(`Could not look for runs to take over: ${errorText(err)}`);
    }
  }

  private async adopt(run: OpenRun, deps: TurnDeps): Promise<void> {
    if (this.following.has(run.runId)) return;
    if (isLiveRun(run.runId)) {
      // A loop has it: a browser's (which hands the run back when it leaves), or the one whose browser just left,
      // still winding down on a busy server. Look again after the grace, so the latter is not left open.
      this.unfollowed(run, deps);
      return;
    }
    const loop = new AbortController();
    this.following.set(run.runId, loop);
    let followed = false;
    try {
      // Another instance's browser may have the run now: then that instance follows it, not this one.
      if (
        !deps.store.processLocal &&
        !(await deps.store.followRun(run.chatId, run.runId, this.instanceId, Date.now() - this.staleMs))
      )
        return;
      this.adopted++;
      // Nobody reads this stream: the answer is stored as it comes, with no word-by-word pacing to wait for.
      const settings = { ...deps.settings, revealSpeed: "instant" as const };
      const store = this.endsByWebhook ? untilNextCycle(deps.store, loop) : deps.store;
      const response = await resumeChatRun(
        { ...deps, store, followers: this },
        { ...run, settings, headless: true, signal: loop.signal },
      );
      followed = !!response;
      await response?.body?.pipeTo(new WritableStream());
    } catch (err) {
      if (!loop.signal.aborted)
        console.error(`Following run ${run.runId} of chat ${run.chatId} failed: ${errorText(err)}`);
    } finally {
      if (this.following.get(run.runId) === loop) this.following.delete(run.runId);
    }
    if (loop.signal.aborted && loop.signal.reason !== "stopping") return; // a viewer, or another instance, has it
    // Nobody watched it end: its person hears of it. A run still open here (not yet started upstream, or this
    // loop failed) is looked at again after the grace: a follower never drops a run.
    if ((await deps.store.checkRun(run.chatId, run.runId, 0).catch(() => undefined))?.state === "running") {
      if (!loop.signal.aborted) this.unfollowed(run, deps);
    } else if (followed) await notifyRunEnded(deps, run);
  }
}

/**
 * `store`, for a loop that ends once its run's next cycle is stored as started: that response's end comes by
 * webhook like the one this loop was started for, so nobody polls it meanwhile.
 */
function untilNextCycle(store: ChatStore, loop: AbortController): ChatStore {
  return Object.assign(Object.create(store) as ChatStore, {
    async startRun(...args: Parameters<ChatStore["startRun"]>) {
      const started = await store.startRun(...args);
      loop.abort("stopping");
      return started;
    },
  });
}

/**
 * This process's followers (one per process: the runs it follows are its to finish), made with `options` the
 * first time it is asked for.
 */
export function processFollowers(options: FollowerOptions = {}): RunFollowers {
  return processState("run-followers", () => new RunFollowers(options));
}

/**
 * When a server starts: follow the runs still open in the database. A process-local database (embedded
 * PGlite) is this process's alone, so every open run is followed, each after the same grace a browser has to
 * come back in; a shared one (PostgreSQL) is swept for runs whose instance went silent, now and every second.
 * Returns how many runs were open (process-local) or taken over (shared) at once.
 */
export async function followOpenRuns(deps: TurnDeps, followers = processFollowers()): Promise<number> {
  if (!deps.store.processLocal || followers.endsByWebhook) {
    await followers.sweep(deps);
    return followers.followed();
  }
  const open = await deps.store.listOpenRuns();
  for (const run of open) followers.unfollowed(run, deps);
  return open.length;
}
