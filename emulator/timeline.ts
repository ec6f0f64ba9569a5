// A run as data: its queue time, the steps of its in-progress phase and how it ends, in scenario milliseconds.
// `scenarios.ts` picks and builds one per question; `render.ts` turns one into a response for any instant.

import type { ItemPrefix } from "./ids";
import type { JsonObject } from "./types";

/** One stretch of the in-progress phase. Steps run one after another; `ms` is the step's duration. */
export type Step =
  /** Nothing new appears (the agent is thinking or a tool is running). */
  | { kind: "wait"; ms: number }
  /** An assistant message whose text grows over `ms`; `end: "incomplete"` marks a cut-off final message. */
  | { kind: "message"; ms: number; text: string; end?: "completed" | "incomplete" }
  /** A reasoning item whose summary grows over `ms`. */
  | { kind: "reasoning"; ms: number; text: string }
  /** A hosted tool call: `queuedMs` first (Databricks reports it `queued`), then its arguments stream in. */
  | { kind: "function_call"; ms: number; queuedMs: number; name: string; arguments: string }
  /** The output of the function_call step at index `callStep`; it appears whole when `ms` has passed. */
  | { kind: "function_call_output"; ms: number; callStep: number; output: string }
  /**
   * Any other item (MCP items, unknown types), given without its id. It appears whole when `ms` has passed;
   * with `partial`, that version of it (e.g. an mcp_call still `calling`) is shown while the step runs.
   */
  | { kind: "item"; ms: number; prefix: ItemPrefix; item: JsonObject; partial?: JsonObject };

export type Outcome =
  | { status: "completed" }
  | { status: "incomplete"; reason: "max_output_tokens" | "content_filter" }
  /** Fails `atMs` into the in-progress phase; the item being produced then is kept, cut short. */
  | { status: "failed"; atMs: number; code: string; message: string };

export interface Timeline {
  scenario: ScenarioName | FollowUpName;
  queuedMs: number;
  steps: Step[];
  outcome: Outcome;
}

export type ScenarioName =
  | "hostile"
  | "fail"
  | "incomplete"
  | "instant"
  | "long"
  | "two-approvals"
  | "approval"
  | "client-function"
  | "unknown-item"
  | "multi-step"
  | "plain";

/** Runs chosen by the input's trailing items rather than by the question (see `followups.ts`). */
export type FollowUpName = "approval-follow-up" | "function-follow-up";
