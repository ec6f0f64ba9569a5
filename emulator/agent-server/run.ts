// One background run as the server's database holds it: its event rows (extended from the clock on every
// read, never by a timer) and what GET answers about it.

import type { StoredResponseView } from "../state";
import { STREAM_TICK_MS } from "../stream";
import type { JsonObject, ResponseObject } from "../types";
import { AgentEventLog, type RunStatus, type TaskError } from "./events";
import { type AttemptHexes, frameAt } from "./frames";
import type { RunPlan } from "./plan";

export interface AgentRunSpec {
  id: string;
  hexes: AttemptHexes;
  createdAtMs: number;
  input: JsonObject[];
  model: string;
  conversationBase: string;
  plan: RunPlan;
}

/** GET `…/responses/{id}` as JSON: no output at all while the run is in progress. */
export interface RetrieveBody {
  id: string;
  status: RunStatus;
  output?: JsonObject[];
  error?: TaskError;
  attempt_number: number;
}

export class AgentRun {
  readonly id: string;
  readonly createdAtMs: number;
  readonly log: AgentEventLog;
  /** The next frame to look at: frame `n` shows the run `n * STREAM_TICK_MS` scenario ms after its create. */
  private nextTick = 0;

  constructor(
    private readonly spec: AgentRunSpec,
    private readonly timeScale: number,
  ) {
    this.id = spec.id;
    this.createdAtMs = spec.createdAtMs;
    this.log = new AgentEventLog({
      responseId: spec.id,
      conversationBase: spec.conversationBase,
      turnEnds: spec.plan.turnEnds,
    });
  }

  get scenario(): string {
    return this.spec.plan.timeline.scenario;
  }

  /** Writes the rows the run has produced by `nowMs` (real ms): the same rows whoever reads first. */
  catchUp(nowMs: number): AgentEventLog {
    const { log, spec, timeScale } = this;
    const tickRealMs = STREAM_TICK_MS * timeScale;
    while (!log.ended && spec.createdAtMs + this.nextTick * tickRealMs <= nowMs) {
      const frame = frameAt(spec.plan, spec.hexes, this.nextTick * STREAM_TICK_MS);
      if (frame) log.record(frame, Math.floor((spec.createdAtMs + this.nextTick * tickRealMs) / 1000));
      this.nextTick += 1;
    }
    return log;
  }

  retrieve(nowMs: number): RetrieveBody {
    const log = this.catchUp(nowMs);
    return {
      id: this.id,
      status: log.status,
      // A run that finished without writing an item has no `output` key at all.
      ...(log.status === "completed" && log.doneItems.length > 0 ? { output: [...log.doneItems] } : {}),
      ...(log.error ? { error: log.error } : {}),
      attempt_number: log.attempt,
    };
  }

  /** The ground truth for tests and soak checks: the finished items written so far, over every attempt. */
  view(nowMs: number): StoredResponseView {
    const log = this.catchUp(nowMs);
    const response: ResponseObject = {
      id: this.id,
      object: "response",
      created_at: Math.floor(this.createdAtMs / 1000),
      status: log.status,
      background: true,
      model: this.spec.model,
      instructions: null,
      output: [...log.doneItems],
      error: log.error ? { code: log.error.code, message: log.error.message } : null,
      incomplete_details: null,
      usage: null,
      metadata: {},
    };
    return { response, input: this.spec.input, echoed: 0, scenario: this.scenario };
  }
}
