// The stored responses. Nothing runs in the background: a response's state is computed from the clock on
// every read, so a fake clock drives the whole lifecycle and an idle emulator costs nothing.

import { followUpTimeline } from "./followups";
import { newResponseHex, responseId } from "./ids";
import { echoedItems, inputWordCount, lastUserText, userTurns } from "./input";
import { openaiItem } from "./openai-fields";
import { renderSteps } from "./render";
import { buildTimeline, timelineDuration } from "./scenarios";
import type { EventBatch } from "./sse";
import { type Frame, ResponseEventLog, STREAM_TICK_MS } from "./stream";
import type { Timeline } from "./timeline";
import { offeredFunctions } from "./tools";
import type { JsonObject, OpenAISettings, ResolvedEmulatorOptions, ResponseObject, Usage } from "./types";
import { WebhookSender } from "./webhooks";

export interface CreateSpec {
  model: string;
  instructions: string | null;
  items: JsonObject[];
  background: boolean;
  /** Created with `stream: true` (background only): its events are logged for streaming and resuming. */
  stream?: boolean;
  tools: JsonObject[];
  /** The request settings every response echoes (openai flavour only). */
  settings?: OpenAISettings;
}

/** A stored response as the emulator sees it: for tests and soak checks, never sent over the wire. */
export interface StoredResponseView {
  response: ResponseObject;
  /** The input items the response was created with. */
  input: JsonObject[];
  /** How many leading output items are copies of the input (Databricks' quirk 1 in docs/upstreams.md), not new output. */
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
  settings?: OpenAISettings;
  echo: JsonObject[];
  input: JsonObject[];
  timeline: Timeline;
  inputWords: number;
  /** Set by cancel: from then on every read returns `response` unchanged; `frame` is where the run had got to. */
  cancelled?: { response: ResponseObject; frame: Frame; atMs: number };
  /** Only for responses created with `stream: true`; dropped with the run at retention. */
  events?: ResponseEventLog;
}

/** Approval decisions or function results after the last question make a follow-up cycle; else the question picks. */
export function timelineFor(spec: Pick<CreateSpec, "items" | "tools">): Timeline {
  return (
    followUpTimeline(spec.items) ??
    buildTimeline(lastUserText(spec.items), Math.max(1, userTurns(spec.items)), offeredFunctions(spec.tools))
  );
}

const TERMINAL = new Set(["completed", "failed", "incomplete", "cancelled"]);

/** Reasoning tokens behind each word of a reasoning summary (a summary is much shorter than the reasoning). */
const REASONING_PER_SUMMARY_WORD = 4;

export function isTerminal(response: ResponseObject): boolean {
  return TERMINAL.has(response.status);
}

export class ResponseStore {
  private readonly runs = new Map<string, StoredRun>();
  /** OpenAI's webhooks, when configured: each background response's end is announced (webhooks.ts). */
  readonly webhooks: WebhookSender | undefined;

  constructor(private readonly options: ResolvedEmulatorOptions) {
    this.webhooks = options.webhooks && new WebhookSender(options.webhooks);
  }

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
      settings: spec.settings,
      // Quirk 1 belongs to Databricks' background mode only.
      echo:
        this.options.flavor === "databricks" && spec.background
          ? echoedItems(spec.items, hex, this.options.echoApprovals)
          : [],
      input: spec.items,
      timeline: timelineFor(spec),
      inputWords: inputWordCount(spec.items, spec.instructions),
      events: spec.stream ? new ResponseEventLog() : undefined,
    };
    this.runs.set(run.id, run);
    if (this.webhooks && run.background) {
      const endsInMs = timelineDuration(run.timeline) * this.options.timeScale;
      this.webhooks.schedule(run.id, `response.${run.timeline.outcome.status}`, endsInMs);
    }
    return this.current(run);
  }

  /** The response as of now, or undefined when unknown or past retention. */
  get(id: string): ResponseObject | undefined {
    const run = this.find(id);
    return run ? this.current(run) : undefined;
  }

  /**
   * The streaming events after `sequenceNumber` (-1: from the start); `undefined` when unknown or past retention,
   * `"not-streamed"` when the response was not created with `stream: true`.
   */
  eventsAfter(id: string, sequenceNumber: number): EventBatch | "not-streamed" | undefined {
    const run = this.find(id);
    if (!run) return undefined;
    const log = run.events;
    if (!log) return "not-streamed";
    this.catchUp(run, log);
    return { events: log.events.slice(Math.max(0, sequenceNumber + 1)), ended: log.ended };
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
        response: this.current(run),
        input: run.input,
        echoed: run.echo.length,
        scenario: run.timeline.scenario,
      }));
  }

  /** Freezes a queued or in-progress response as `cancelled`; idempotent; terminal responses are returned as is. */
  cancel(id: string): ResponseObject | undefined {
    const run = this.find(id);
    if (!run) return undefined;
    if (run.cancelled) return run.cancelled.response;
    const atMs = this.options.now();
    const frame = this.frameAt(run, this.elapsed(run, atMs));
    if (isTerminal(frame.response)) return frame.response;
    run.cancelled = { response: { ...frame.response, status: "cancelled", usage: null }, frame, atMs };
    this.webhooks?.cancelled(run.id);
    return run.cancelled.response;
  }

  private current(run: StoredRun): ResponseObject {
    return run.cancelled?.response ?? this.frameAt(run, this.elapsed(run, this.options.now())).response;
  }

  /**
   * Renders the frames the log has not seen up to now (or up to the cancel), one per STREAM_TICK_MS of scenario
   * time counted from creation, and at least one per STREAM_TICK_MS of real time (a slowed-down run still
   * streams its words as a real upstream does, not in bursts a scenario tick apart): the same frames whenever
   * it runs, so every reader sees the same events.
   */
  private catchUp(run: StoredRun, log: ResponseEventLog): void {
    const until = run.cancelled?.atMs ?? this.options.now();
    const { timeScale } = this.options;
    const tickRealMs = Math.min(STREAM_TICK_MS * timeScale, STREAM_TICK_MS);
    while (!log.ended && run.createdAtMs + log.nextTick * tickRealMs <= until) {
      log.record(this.frameAt(run, (log.nextTick * tickRealMs) / timeScale));
      log.nextTick += 1;
    }
    if (run.cancelled && !log.ended) {
      log.record(run.cancelled.frame);
      log.end(run.cancelled.response);
    }
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

  /** Scenario ms since creation at real time `atMs`. */
  private elapsed(run: StoredRun, atMs: number): number {
    // A non-background create waited for the whole run, so it is always seen at its end.
    return run.background ? (atMs - run.createdAtMs) / this.options.timeScale : Number.POSITIVE_INFINITY;
  }

  /** The run `elapsed` scenario ms after creation (cancels aside). */
  private frameAt(run: StoredRun, elapsed: number): Frame {
    const { timeline } = run;
    const { timeScale, flavor } = this.options;
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
      ...run.settings,
    };
    if (elapsed < timeline.queuedMs) return { response: base, lastOpen: false };

    const rendered = renderSteps(timeline, elapsed - timeline.queuedMs, {
      flavor,
      hex: run.hex,
      firstPosition: run.echo.length,
    });
    const items = flavor === "openai" ? rendered.items.map(openaiItem) : rendered.items;
    const output = [...run.echo, ...items];
    const lastOpen = rendered.lastOpen;
    if (elapsed < durationMs) return { response: { ...base, status: "in_progress", output }, lastOpen };

    const usage = this.usage(run.inputWords, rendered.outputWords, rendered.reasoningWords);
    const outcome = timeline.outcome;
    switch (outcome.status) {
      case "completed":
        return {
          response: {
            ...base,
            status: "completed",
            output,
            usage,
            completed_at: Math.floor((run.createdAtMs + durationMs * timeScale) / 1000),
          },
          lastOpen,
        };
      case "incomplete":
        return {
          response: {
            ...base,
            status: "incomplete",
            output,
            usage,
            incomplete_details: { reason: outcome.reason },
          },
          lastOpen,
        };
      case "failed":
        return {
          response: {
            ...base,
            status: "failed",
            output,
            error: { code: outcome.code, message: outcome.message },
          },
          lastOpen,
        };
    }
  }

  /**
   * Deterministic counts: a word is a token, and the hidden reasoning behind a summary is taken to be
   * REASONING_PER_SUMMARY_WORD times the summary's length (counted in the output, as the Responses API does).
   */
  private usage(inputWords: number, outputWords: number, reasoningWords: number): Usage {
    const reasoning = reasoningWords * REASONING_PER_SUMMARY_WORD;
    const usage: Usage = {
      input_tokens: inputWords,
      output_tokens: outputWords + reasoning,
      total_tokens: inputWords + outputWords + reasoning,
    };
    if (this.options.flavor === "openai") {
      usage.input_tokens_details = { cached_tokens: 0, cache_write_tokens: 0 };
      usage.output_tokens_details = { reasoning_tokens: reasoning };
    } else if (reasoning > 0) {
      // Databricks may leave the detail objects out (CONTRACT: "sub-objects may be missing"): this one reports
      // the reasoning detail when the run reasoned, and never the cached one.
      usage.output_tokens_details = { reasoning_tokens: reasoning };
    }
    return usage;
  }
}
