// The runtime's store: invocations by id (the idempotency key), sessions that run their turns one after another,
// and one event log whose ids count across every invocation. A run's future is planned when it is accepted;
// reads only compare the plan with the clock, so a fake clock drives everything and nothing runs in between.

import { seededRandom } from "../random";
import { buildTimeline, pickScenario } from "../scenarios";
import type { EventBatch } from "../sse";
import type { StoredResponseView } from "../state";
import type { StreamEvent } from "../stream";
import type { JsonObject, ResolvedEmulatorOptions, ResponseObject, ResponseStatus } from "../types";
import { agentPlan, type RunPlan, refusedPlan, type Schedule } from "./plan";
import { resumeTimeline } from "./resume";
import {
  type ActionRequest,
  checkDecisions,
  inputItems,
  NO_SESSION,
  NOTHING_PAUSED,
  PAUSE_PENDING,
  readTurn,
} from "./turn";

export const API_ROOT = "/api/invocations";

export type InvocationStatus = "queued" | "active" | "completed" | "failed";

export interface Invocation {
  id: string;
  input: unknown;
  sessionId: string | null;
  /** Whether the request that created it asked for a background run (for `inspect()`). */
  background: boolean;
  acceptedAtMs: number;
  plan: RunPlan;
  /** Acceptance order: ties between events written at the same instant go by it. */
  order: number;
  /** How many of `plan.events` have been given an id in the global log. */
  logged: number;
  /** Its events with their global ids, in order. */
  readonly stream: StreamEvent[];
}

interface Session {
  /** When its last accepted run ends: the next one waits for it. */
  freeAtMs: number;
  /** The tool calls its last paused run waits on, until a resume decides them. */
  pause?: ActionRequest[];
  turns: number;
}

/** What `inspect()` does not show of an invocation: its session, how it failed, how many workers ran it. */
export interface InvocationDetails {
  sessionId: string | null;
  failureReason?: string;
  attempts: number;
}

const details = new WeakMap<ResponseObject, InvocationDetails>();

/** The session, failure reason and attempts of a view returned by `inspect()` of an `agent-bricks` emulator. */
export function invocationDetails(view: StoredResponseView): InvocationDetails | undefined {
  return details.get(view.response);
}

const INSPECT_STATUS: Record<InvocationStatus, ResponseStatus> = {
  queued: "queued",
  active: "in_progress",
  completed: "completed",
  failed: "failed",
};

/** Scenario ms a refused turn waits before a worker claims it (the scenarios have their own). */
const REFUSAL_QUEUE_MS = 300;

/** The stale window after which another worker takes over a crashed run, in scenario ms. */
const STALE_MS = 10_000;

export class InvocationStore {
  private readonly invocations = new Map<string, Invocation>();
  private readonly sessions = new Map<string, Session>();
  /** Invocations with events not yet in the global log. */
  private readonly unlogged = new Set<Invocation>();
  private nextSequence = 1;
  private readonly crashRandom: () => number;

  constructor(private readonly options: ResolvedEmulatorOptions) {
    this.crashRandom = seededRandom(options.seed ^ 0x2c1b3c6d);
  }

  find(id: string): Invocation | undefined {
    return this.invocations.get(id);
  }

  /** The scenario a create would run, without accepting anything (faults are decided per scenario). */
  scenarioFor(id: string, input: unknown): string {
    const existing = this.invocations.get(id);
    if (existing) return existing.plan.scenario;
    const turn = readTurn(input, "");
    return turn.kind === "question"
      ? pickScenario(turn.question)
      : turn.kind === "resume"
        ? "approval-follow-up"
        : "refused";
  }

  /**
   * The invocation for this id: the existing one when the input and session match (nothing new runs), a
   * conflict when they do not, else a new run queued behind its session's earlier ones.
   */
  accept(request: {
    id: string;
    input: unknown;
    sessionId: string | null;
    background: boolean;
    stream: boolean;
  }): { invocation: Invocation; created: boolean } | "conflict" {
    const existing = this.invocations.get(request.id);
    if (existing) {
      const same = existing.sessionId === request.sessionId && sameJson(existing.input, request.input);
      return same ? { invocation: existing, created: false } : "conflict";
    }
    const now = this.options.now();
    // A client that waits for the answer sees the run at its end at once.
    const waited = !request.background && !request.stream;
    const invocation: Invocation = {
      id: request.id,
      input: structuredClone(request.input),
      sessionId: request.sessionId,
      background: request.background,
      acceptedAtMs: now,
      plan: this.plan(request.input, request.sessionId, now, waited ? 0 : this.options.timeScale),
      order: this.invocations.size,
      logged: 0,
      stream: [],
    };
    this.invocations.set(invocation.id, invocation);
    this.unlogged.add(invocation);
    return { invocation, created: true };
  }

  status(invocation: Invocation): InvocationStatus {
    const now = this.options.now();
    const { plan } = invocation;
    if (now < plan.activeAtMs) return "queued";
    if (now < plan.endAtMs) return "active";
    return plan.result.status;
  }

  /** The events after `after` (exclusive) written by now; `ended` once the run is completed or failed. */
  eventsAfter(invocation: Invocation, after: number): EventBatch {
    this.catchUp();
    const status = this.status(invocation);
    const ended = status === "completed" || status === "failed";
    return { events: invocation.stream.filter((event) => event.sequence_number > after), ended };
  }

  inspect(): StoredResponseView[] {
    return [...this.invocations.values()].map((invocation) => {
      const response = this.responseView(invocation);
      const { plan } = invocation;
      const started = plan.attempts.filter((attempt) => attempt.startMs <= this.options.now()).length;
      details.set(response, {
        sessionId: invocation.sessionId,
        ...(plan.result.status === "failed" && response.status === "failed"
          ? { failureReason: plan.result.reason }
          : {}),
        attempts: started,
      });
      return { response, input: inputItems(invocation.input), echoed: 0, scenario: plan.scenario };
    });
  }

  /** Gives every event written by now its global id, in the order written (acceptance order within an instant). */
  private catchUp(): void {
    const now = this.options.now();
    const due: Array<{ invocation: Invocation; index: number; atMs: number }> = [];
    for (const invocation of this.unlogged) {
      const { events } = invocation.plan;
      for (let index = invocation.logged; index < events.length; index++) {
        const atMs = (events[index] as { atMs: number }).atMs;
        if (atMs > now) break;
        due.push({ invocation, index, atMs });
      }
    }
    due.sort((a, b) => a.atMs - b.atMs || a.invocation.order - b.invocation.order || a.index - b.index);
    for (const { invocation, index } of due) {
      const { event } = invocation.plan.events[index] as { event: JsonObject & { type: string } };
      invocation.stream.push({ ...event, sequence_number: this.nextSequence++ });
      invocation.logged = index + 1;
      if (invocation.logged === invocation.plan.events.length) this.unlogged.delete(invocation);
    }
  }

  /** Plans a new run from the session as its earlier runs leave it (they all end before this one starts). */
  private plan(input: unknown, sessionId: string | null, now: number, scale: number): RunPlan {
    const session = sessionId === null ? undefined : this.session(sessionId);
    const turn = readTurn(input, sessionId);
    const queued = (queuedMs: number): number =>
      Math.max(now + queuedMs * scale, session?.freeAtMs ?? Number.NEGATIVE_INFINITY);
    const refuse = (scenario: string, reason: string): RunPlan =>
      refusedPlan(scenario, reason, { activeAtMs: queued(REFUSAL_QUEUE_MS), scale });
    let plan: RunPlan;
    if (turn.kind === "refused" || !session) {
      // Without a session the adapter always refuses (readTurn says why).
      plan = refuse("refused", turn.kind === "refused" ? turn.reason : NO_SESSION);
    } else if (turn.kind === "resume") {
      const decisions = session.pause ? checkDecisions(turn.decisions, session.pause) : NOTHING_PAUSED;
      if (typeof decisions === "string" || !session.pause) {
        plan = refuse("approval-follow-up", typeof decisions === "string" ? decisions : NOTHING_PAUSED);
      } else {
        const timeline = resumeTimeline(session.pause, decisions);
        plan = agentPlan(timeline, this.schedule(queued(timeline.queuedMs), scale, ""));
        session.pause = undefined;
      }
    } else if (session.pause) {
      plan = refuse(pickScenario(turn.question), PAUSE_PENDING);
    } else {
      session.turns += 1;
      const timeline = buildTimeline(turn.question, session.turns);
      plan = agentPlan(timeline, this.schedule(queued(timeline.queuedMs), scale, turn.question));
    }
    if (session) {
      session.freeAtMs = plan.endAtMs;
      if (plan.pause) session.pause = plan.pause;
    }
    return plan;
  }

  /** A worker dies in this run when the question says "crash", else at the configured rate. */
  private schedule(activeAtMs: number, scale: number, question: string): Schedule {
    const crash = this.options.agentBricks.crash;
    const drawn = this.crashRandom() < (crash?.rate ?? 0);
    if (!drawn && !/\bcrash/i.test(question)) return { activeAtMs, scale };
    const pauseMs = scale === 0 ? 0 : (crash?.pauseMs ?? STALE_MS * this.options.timeScale);
    return { activeAtMs, scale, crashPauseMs: pauseMs };
  }

  private session(id: string): Session {
    let session = this.sessions.get(id);
    if (!session) {
      session = { freeAtMs: Number.NEGATIVE_INFINITY, turns: 0 };
      this.sessions.set(id, session);
    }
    return session;
  }

  /** The invocation as a Responses object: the items its current worker has finished by now. */
  private responseView(invocation: Invocation): ResponseObject {
    const now = this.options.now();
    const { plan } = invocation;
    const status = this.status(invocation);
    const current = plan.attempts.filter((attempt) => attempt.startMs <= now).at(-1);
    const output = (current?.finished ?? []).filter((done) => done.atMs <= now).map((done) => done.item);
    const model = (invocation.input as { model?: unknown } | null)?.model;
    return {
      id: invocation.id,
      object: "response",
      created_at: Math.floor(invocation.acceptedAtMs / 1000),
      status: INSPECT_STATUS[status],
      background: invocation.background,
      model: typeof model === "string" ? model : "agent-bricks",
      instructions: null,
      output,
      error:
        status === "failed" && plan.result.status === "failed"
          ? { code: "agent_error", message: plan.result.reason }
          : null,
      incomplete_details: null,
      usage: null,
      metadata: {},
      ...(status === "completed" ? { completed_at: Math.floor(plan.endAtMs / 1000) } : {}),
    };
  }
}

/** Python's `==` on JSON values: objects compare regardless of key order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((value, index) => sameJson(value, b[index]));
  }
  const left = Object.entries(a as JsonObject);
  const right = b as JsonObject;
  return (
    left.length === Object.keys(right).length &&
    left.every(([key, value]) => key in right && sameJson(value, right[key]))
  );
}
