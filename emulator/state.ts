// The stored responses. Nothing runs in the background: a response's state is computed from the clock on
// every read, so a fake clock drives the whole lifecycle and an idle emulator costs nothing.

import { followUpTimeline } from "./followups";
import { newResponseHex, responseId } from "./ids";
import { echoedItems, inputWordCount, lastUserText, userTurns } from "./input";
import { renderSteps } from "./render";
import { buildTimeline, type Timeline, timelineDuration } from "./scenarios";
import { offeredFunctions } from "./tools";
import type { JsonObject, ResolvedEmulatorOptions, ResponseObject, Usage } from "./types";

export interface CreateSpec {
  model: string;
  instructions: string | null;
  items: JsonObject[];
  background: boolean;
  tools: JsonObject[];
}

/** A stored response as the emulator sees it: for tests and soak checks, never sent over the wire. */
export interface StoredResponseView {
  response: ResponseObject;
  /** The input items the response was created with. */
  input: JsonObject[];
  /** How many leading output items are copies of the input (Databricks' quirk 1), not new output. */
  echoed: number;
  scenario: string;
}

interface StoredRun {
  id: string;
  hex: string;
  createdAtMs: number;
  background: boolean;
  model: string;
  instructions: string | null;
  echo: JsonObject[];
  input: JsonObject[];
  timeline: Timeline;
  inputWords: number;
  /** Set by cancel: from then on every read returns this object unchanged. */
  cancelled?: ResponseObject;
}

/** Approval decisions or function results after the last question make a follow-up cycle; else the question picks. */
export function timelineFor(spec: Pick<CreateSpec, "items" | "tools">): Timeline {
  return (
    followUpTimeline(spec.items) ??
    buildTimeline(lastUserText(spec.items), Math.max(1, userTurns(spec.items)), offeredFunctions(spec.tools))
  );
}

const TERMINAL = new Set(["completed", "failed", "incomplete", "cancelled"]);

export function isTerminal(response: ResponseObject): boolean {
  return TERMINAL.has(response.status);
}

export class ResponseStore {
  private readonly runs = new Map<string, StoredRun>();

  constructor(private readonly options: ResolvedEmulatorOptions) {}

  create(spec: CreateSpec): ResponseObject {
    this.forgetExpired();
    const hex = newResponseHex();
    const run: StoredRun = {
      id: responseId(hex),
      hex,
      createdAtMs: this.options.now(),
      background: spec.background,
      model: spec.model,
      instructions: spec.instructions,
      // Quirk 1 belongs to Databricks' background mode only.
      echo:
        this.options.flavor === "databricks" && spec.background
          ? echoedItems(spec.items, hex, this.options.echoApprovals)
          : [],
      input: spec.items,
      timeline: timelineFor(spec),
      inputWords: inputWordCount(spec.items, spec.instructions),
    };
    this.runs.set(run.id, run);
    return this.snapshot(run);
  }

  /** The response as of now, or undefined when unknown or past retention. */
  get(id: string): ResponseObject | undefined {
    const run = this.find(id);
    return run ? (run.cancelled ?? this.snapshot(run)) : undefined;
  }

  /** The scenario of a stored response (read-only: no state changes), or undefined when unknown. */
  scenarioOf(id: string): string | undefined {
    return this.runs.get(id)?.timeline.scenario;
  }

  /** Every stored response as of now, oldest first. */
  inspect(): StoredResponseView[] {
    return [...this.runs.values()]
      .filter((run) => !this.expired(run))
      .map((run) => ({
        response: run.cancelled ?? this.snapshot(run),
        input: run.input,
        echoed: run.echo.length,
        scenario: run.timeline.scenario,
      }));
  }

  /** Freezes a queued or in-progress response as `cancelled`; idempotent; terminal responses are returned as is. */
  cancel(id: string): ResponseObject | undefined {
    const run = this.find(id);
    if (!run) return undefined;
    if (run.cancelled) return run.cancelled;
    const current = this.snapshot(run);
    if (isTerminal(current)) return current;
    run.cancelled = { ...current, status: "cancelled", usage: null };
    return run.cancelled;
  }

  private find(id: string): StoredRun | undefined {
    const run = this.runs.get(id);
    if (!run) return undefined;
    if (this.expired(run)) {
      this.runs.delete(id);
      return undefined;
    }
    return run;
  }

  private expired(run: StoredRun): boolean {
    // Retention counts real time, not scenario time: it imitates the upstream's storage, not the run.
    return this.options.now() - run.createdAtMs >= this.options.retentionMs;
  }

  /** Runs are kept in creation order, so expired ones are at the front. */
  private forgetExpired(): void {
    for (const run of this.runs.values()) {
      if (!this.expired(run)) break;
      this.runs.delete(run.id);
    }
  }

  private snapshot(run: StoredRun): ResponseObject {
    const { timeline } = run;
    const { timeScale, flavor } = this.options;
    // A non-background create waited for the whole run, so it is always seen at its end.
    const elapsed = run.background
      ? (this.options.now() - run.createdAtMs) / timeScale
      : Number.POSITIVE_INFINITY;
    const durationMs = timelineDuration(timeline);
    const base: ResponseObject = {
      id: run.id,
      object: "response",
      created_at: Math.floor(run.createdAtMs / 1000),
      status: "queued",
      background: run.background,
      model: run.model,
      instructions: run.instructions,
      output: [],
      error: null,
      incomplete_details: null,
      usage: null,
      metadata: {},
    };
    if (elapsed < timeline.queuedMs) return base;

    const rendered = renderSteps(timeline, elapsed - timeline.queuedMs, {
      flavor,
      hex: run.hex,
      firstPosition: run.echo.length,
    });
    const output = [...run.echo, ...rendered.items];
    if (elapsed < durationMs) return { ...base, status: "in_progress", output };

    const usage = this.usage(run.inputWords, rendered.outputWords);
    const outcome = timeline.outcome;
    switch (outcome.status) {
      case "completed":
        return {
          ...base,
          status: "completed",
          output,
          usage,
          completed_at: Math.floor((run.createdAtMs + durationMs * timeScale) / 1000),
        };
      case "incomplete":
        return {
          ...base,
          status: "incomplete",
          output,
          usage,
          incomplete_details: { reason: outcome.reason },
        };
      case "failed":
        return { ...base, status: "failed", output, error: { code: outcome.code, message: outcome.message } };
    }
  }

  private usage(inputWords: number, outputWords: number): Usage {
    const usage: Usage = {
      input_tokens: inputWords,
      output_tokens: outputWords,
      total_tokens: inputWords + outputWords,
    };
    // Databricks may leave the detail objects out (CONTRACT: "sub-objects may be missing").
    if (this.options.flavor === "openai") {
      usage.input_tokens_details = { cached_tokens: 0 };
      usage.output_tokens_details = { reasoning_tokens: 0 };
    }
    return usage;
  }
}
