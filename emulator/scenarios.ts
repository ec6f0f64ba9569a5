// Scenarios: which words of the last user message pick which run, and each run as a timeline in scenario
// milliseconds. The timeline is data; `render.ts` turns it into a response for any instant, so a fake clock
// drives everything and no timers run.

import {
  analyseSales,
  analysisAnswer,
  analysisCheck,
  analysisPlan,
  salesTable,
  trendsSummary,
} from "./genie";
import { hostileTimeline } from "./hostile";
import {
  failingAnswer,
  failingReasoning,
  instantAnswer,
  longReport,
  plainAnswer,
  truncatedAnswer,
} from "./prose";
import type { ScenarioName, Timeline } from "./timeline";
import {
  approvalTimeline,
  clientFunctionTimeline,
  twoApprovalsTimeline,
  unknownItemTimeline,
} from "./tool-scenarios";

export interface ScenarioInfo {
  name: ScenarioName;
  triggers: string[];
  description: string;
  example: string;
}

/** In matching order: the first scenario with a trigger wins. `plain` has none: it is the default. */
export const SCENARIOS: ReadonlyArray<ScenarioInfo> = [
  {
    // First: its payloads are full of words ("error", "data", "search") that other scenarios listen for.
    name: "hostile",
    triggers: ["hostile"],
    description:
      "Queued ~0.6 s, ~5 s in progress, then `completed` with hostile model output (`hostile.ts`): script tags, " +
      "event handlers, `javascript:`/`data:` links, huge tokens, 200-deep nesting, in messages, tool calls and " +
      "their outputs, an MCP call, citations and a final `mcp_approval_request`. The question is echoed raw.",
    example: "Show me hostile output.",
  },
  {
    name: "fail",
    triggers: ["fail", "error"],
    description:
      "Queued ~1 s, in progress ~2 s (a reasoning item, then a growing message), then `failed` with " +
      "`error.code: server_error` and the partial output kept.",
    example: "Make this request fail, please.",
  },
  {
    name: "incomplete",
    triggers: ["incomplete", "truncate"],
    description:
      "Queued ~0.8 s, a message grows for ~2.5 s, then `incomplete` with `incomplete_details.reason: " +
      "max_output_tokens` and the message cut short (`status: incomplete`).",
    example: "Give me a truncated answer.",
  },
  {
    name: "instant",
    triggers: ["instant"],
    description: "The create call already answers `completed` with the full answer: nothing to poll.",
    example: "An instant answer, please.",
  },
  {
    name: "long",
    triggers: ["long", "essay", "report"],
    description:
      "A ~6,000-word markdown report with headings, queued ~0.5 s and written over ~5.5 s, growing while in progress.",
    example: "Write a long report on our quarterly sales.",
  },
  {
    name: "two-approvals",
    triggers: ["ticket", "email", "both"],
    description:
      "Queued ~0.8 s, ~1.4 s in progress, then `completed` holding only two `mcp_approval_request`s: " +
      "`create_ticket` on `jira` and `send_email` on `mail`. Approve or deny each, then send both responses.",
    example: "Create a ticket and email the team about the outage.",
  },
  {
    name: "approval",
    triggers: ["search", "approv", "mcp"],
    description:
      "Queued ~0.8 s, ~2.4 s in progress, then `completed` with an `mcp_list_tools` item (`web-search`), a short " +
      "message and an `mcp_approval_request` for `search_web` with the query taken from the question.",
    example: "Search the web for lakehouse news.",
  },
  {
    name: "client-function",
    triggers: ["what time", "calculate", "compute"],
    description:
      'When the request offers the function tool `get_current_time` (for "what time") or `calculate`: ~2 s, then ' +
      "`completed` with a `function_call` and nothing else, for the app to run. Without the tool: a short " +
      "message saying the tool is not available.",
    example: "Please calculate 17 * 23 + 4.",
  },
  {
    name: "unknown-item",
    triggers: ["hologram", "unknown"],
    description:
      "Queued ~0.6 s, ~2 s in progress, then `completed` with an item of a type no client knows " +
      "(`emulator_hologram`) followed by a short message about it.",
    example: "Show me an unknown hologram item.",
  },
  {
    name: "multi-step",
    triggers: ["step", "analy", "genie", "data", "tool"],
    description:
      "A ~20 s agent run: reasoning, a `query_sales_genie` call and its table (computed from the shipped data set; " +
      "a quarter or region in the question narrows it), a `summarize_trends` call and its output, then a final " +
      "answer that quotes the same numbers. Items appear one by one.",
    example: "Analyze Q2 sales by region with the Genie space.",
  },
  {
    name: "plain",
    triggers: [],
    description:
      "The default: queued ~0.8 s, in progress ~2 s with the message growing, then `completed` with a short " +
      "markdown answer that quotes the question.",
    example: "What can you do?",
  },
];

/**
 * Triggers match the start of a word, case-insensitively: "fail" matches "failure", "analy" matches "analysis".
 * A phrase trigger ("what time") matches consecutive words the same way.
 */
export function pickScenario(question: string): ScenarioName {
  const words = question.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const matches = (trigger: string): boolean => {
    const parts = trigger.split(" ");
    return words.some((_, start) => parts.every((part, i) => words[start + i]?.startsWith(part)));
  };
  for (const scenario of SCENARIOS) {
    if (scenario.triggers.some(matches)) return scenario.name;
  }
  return "plain";
}

/** How much slower a question asking for it ("slow", "slowly") runs: room for a person, or a test, to act mid-run. */
export const SLOW_PACE = 4;

/**
 * `functions`: the names of the function tools the request offers (the client-function scenario needs them).
 * The word "slow" (or "slowly") anywhere in the question makes any scenario take SLOW_PACE times as long.
 */
export function buildTimeline(
  question: string,
  turn: number,
  functions: ReadonlySet<string> = new Set(),
): Timeline {
  const timeline = scenarioTimeline(question, turn, functions);
  return /\bslow(ly)?\b/i.test(question) ? paced(timeline, SLOW_PACE) : timeline;
}

function paced(timeline: Timeline, factor: number): Timeline {
  const { outcome } = timeline;
  return {
    ...timeline,
    queuedMs: timeline.queuedMs * factor,
    steps: timeline.steps.map((step) =>
      "queuedMs" in step
        ? { ...step, ms: step.ms * factor, queuedMs: step.queuedMs * factor }
        : { ...step, ms: step.ms * factor },
    ),
    outcome: outcome.status === "failed" ? { ...outcome, atMs: outcome.atMs * factor } : outcome,
  };
}

function scenarioTimeline(question: string, turn: number, functions: ReadonlySet<string>): Timeline {
  const scenario = pickScenario(question);
  switch (scenario) {
    case "hostile":
      return hostileTimeline(question);
    case "two-approvals":
      return twoApprovalsTimeline(question);
    case "approval":
      return approvalTimeline(question);
    case "client-function":
      return clientFunctionTimeline(question, functions);
    case "unknown-item":
      return unknownItemTimeline(question);
    case "fail":
      return {
        scenario,
        queuedMs: 1_000,
        steps: [
          { kind: "reasoning", ms: 700, text: failingReasoning(question) },
          { kind: "message", ms: 3_000, text: failingAnswer(question) },
        ],
        outcome: {
          status: "failed",
          atMs: 2_000,
          code: "server_error",
          message: "The agent's data source timed out (emulated failure).",
        },
      };
    case "incomplete":
      return {
        scenario,
        queuedMs: 800,
        steps: [
          { kind: "wait", ms: 300 },
          { kind: "message", ms: 2_200, text: truncatedAnswer(question), end: "incomplete" },
        ],
        outcome: { status: "incomplete", reason: "max_output_tokens" },
      };
    case "instant":
      return {
        scenario,
        queuedMs: 0,
        steps: [{ kind: "message", ms: 0, text: instantAnswer(question, turn) }],
        outcome: { status: "completed" },
      };
    case "long":
      return {
        scenario,
        queuedMs: 500,
        steps: [{ kind: "message", ms: 5_500, text: longReport(question) }],
        outcome: { status: "completed" },
      };
    case "multi-step": {
      const sales = analyseSales(question);
      // Items appear at least 2 s apart (a function_call_output appears when its step ends), so a poller
      // every 2 s meets them one by one: 0, 2, 6.5, 8.5, 10.5, 14.5 and 16.5 s into the in-progress phase.
      return {
        scenario,
        queuedMs: 1_000,
        steps: [
          { kind: "reasoning", ms: 2_000, text: analysisPlan(question, sales) },
          {
            kind: "function_call",
            ms: 2_000,
            queuedMs: 800,
            name: "query_sales_genie",
            arguments: JSON.stringify({ question }),
          },
          { kind: "function_call_output", ms: 2_500, callStep: 1, output: salesTable(sales) },
          { kind: "wait", ms: 2_000 },
          { kind: "reasoning", ms: 2_000, text: analysisCheck(sales) },
          {
            kind: "function_call",
            ms: 2_000,
            queuedMs: 800,
            name: "summarize_trends",
            arguments: JSON.stringify({ metric: "growth_pct", rows: sales.rows.length }),
          },
          { kind: "function_call_output", ms: 2_000, callStep: 5, output: trendsSummary(sales) },
          { kind: "wait", ms: 2_000 },
          { kind: "message", ms: 3_000, text: analysisAnswer(question, sales) },
        ],
        outcome: { status: "completed" },
      };
    }
    case "plain":
      return {
        scenario,
        queuedMs: 800,
        steps: [
          // A moment of in_progress with empty output, as upstreams do before the first token.
          { kind: "wait", ms: 400 },
          { kind: "message", ms: 1_600, text: plainAnswer(question, turn) },
        ],
        outcome: { status: "completed" },
      };
  }
}

/** Scenario ms from creation to the terminal status. */
export function timelineDuration(timeline: Timeline): number {
  const steps = timeline.steps.reduce((sum, step) => sum + step.ms, 0);
  const inProgress = timeline.outcome.status === "failed" ? Math.min(timeline.outcome.atMs, steps) : steps;
  return timeline.queuedMs + inProgress;
}
