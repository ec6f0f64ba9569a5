// The background runs the server's database holds, and which of them lose their worker part-way.

import { newResponseHex, responseId } from "../ids";
import { lastUserText } from "../input";
import { seededRandom } from "../random";
import type { StoredResponseView } from "../state";
import type { Timeline } from "../timeline";
import type { JsonObject, ResolvedEmulatorOptions } from "../types";
import { type CrashRequest, planRun, type Writes } from "./plan";
import { AgentRun } from "./run";

/** The real server's heartbeat-stale window: a dead worker's run is taken over about this long after it died. */
const DEFAULT_PAUSE_SCENARIO_MS = 10_000;

export interface BackgroundCreate {
  items: JsonObject[];
  model: string;
  timeline: Timeline;
  writes: Writes;
  /** `custom_inputs.thread_id`, `custom_inputs.session_id` or `context.conversation_id`, when the create sent one. */
  conversationId?: string;
}

export class AgentRunStore {
  private readonly runs = new Map<string, AgentRun>();
  private readonly crashDraw: () => number;

  constructor(private readonly options: ResolvedEmulatorOptions) {
    // Its own stream of draws: turning crashes on does not change which requests get faults.
    this.crashDraw = seededRandom((options.seed ^ 0x2c1b3c6d) >>> 0);
  }

  create(request: BackgroundCreate): AgentRun {
    this.forgetExpired();
    const first = newResponseHex();
    const id = responseId(first);
    const run = new AgentRun(
      {
        id,
        hexes: { first, second: newResponseHex() },
        createdAtMs: this.options.now(),
        input: request.items,
        model: request.model,
        conversationBase: request.conversationId ?? id,
        plan: planRun(request.timeline, request.writes, this.crashRequest(request.items)),
      },
      this.options.timeScale,
    );
    this.runs.set(id, run);
    return run;
  }

  /** The run, or undefined when unknown or past retention. */
  find(id: string): AgentRun | undefined {
    const run = this.runs.get(id);
    if (run && this.expired(run)) {
      this.runs.delete(id);
      return undefined;
    }
    return run;
  }

  /** The scenario of a stored run (no state changes), for scenario-specific fault rates. */
  scenarioOf(id: string): string | undefined {
    return this.runs.get(id)?.scenario;
  }

  inspect(): StoredResponseView[] {
    const now = this.options.now();
    return [...this.runs.values()].filter((run) => !this.expired(run)).map((run) => run.view(now));
  }

  /** Whether this run's worker dies: always when the question says "crash", else at the configured rate. */
  private crashRequest(items: JsonObject[]): CrashRequest | undefined {
    const { rate = 0, afterMs, pauseMs } = this.options.agentServer.crash ?? {};
    const asked = mentionsCrash(lastUserText(items));
    // One draw per background run, in creation order, so a seed repeats which runs crash.
    const drawn = rate > 0 && this.crashDraw() < rate;
    if (!asked && !drawn) return undefined;
    const { timeScale } = this.options;
    return {
      atMs: afterMs === undefined ? undefined : afterMs / timeScale,
      pauseMs: pauseMs === undefined ? DEFAULT_PAUSE_SCENARIO_MS : pauseMs / timeScale,
    };
  }

  private expired(run: AgentRun): boolean {
    return this.options.now() - run.createdAtMs >= this.options.retentionMs;
  }

  /** Runs are kept in creation order, so expired ones are at the front. */
  private forgetExpired(): void {
    for (const run of this.runs.values()) {
      if (!this.expired(run)) break;
      this.runs.delete(run.id);
    }
  }
}

/** "crash", "crashes", "crashing": the start of a word, as scenario triggers match. */
export function mentionsCrash(question: string): boolean {
  const words = question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.some((word) => word.startsWith("crash"));
}
