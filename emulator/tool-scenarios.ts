// Timelines of the scenarios that hand control back to the app: MCP approvals, client-side function calls,
// and an item type no client knows. Their follow-up cycles are in `followups.ts`.

import { quote } from "./prose";
import type { Timeline } from "./timeline";
import {
  CALCULATE_TOOL,
  emailArguments,
  expressionIn,
  JIRA,
  MAIL,
  SEARCH_WEB_TOOL,
  searchQuery,
  TIME_TOOL,
  ticketArguments,
  timezoneFor,
  WEB_SEARCH,
} from "./tools";
import type { JsonObject } from "./types";

function approvalRequest(server: string, name: string, args: JsonObject): JsonObject {
  return { type: "mcp_approval_request", server_label: server, name, arguments: JSON.stringify(args) };
}

/** One MCP call that needs approval: the server's tool list, a word to the person, then the request. */
export function approvalTimeline(question: string): Timeline {
  const query = searchQuery(question);
  return {
    scenario: "approval",
    queuedMs: 800,
    steps: [
      { kind: "wait", ms: 400 },
      {
        kind: "item",
        ms: 600,
        prefix: "mcpl",
        item: { type: "mcp_list_tools", server_label: WEB_SEARCH.server, tools: [SEARCH_WEB_TOOL] },
      },
      { kind: "message", ms: 1_000, text: `I need your approval to search the web for "${query}".` },
      {
        kind: "item",
        ms: 400,
        prefix: "mcpr",
        item: approvalRequest(WEB_SEARCH.server, WEB_SEARCH.tool, { query }),
      },
    ],
    outcome: { status: "completed" },
  };
}

/** A response that holds nothing but two approval requests (CONTRACT edge case 6), decided together. */
export function twoApprovalsTimeline(question: string): Timeline {
  return {
    scenario: "two-approvals",
    queuedMs: 800,
    steps: [
      { kind: "wait", ms: 600 },
      {
        kind: "item",
        ms: 400,
        prefix: "mcpr",
        item: approvalRequest(JIRA.server, JIRA.tool, ticketArguments(question)),
      },
      {
        kind: "item",
        ms: 400,
        prefix: "mcpr",
        item: approvalRequest(MAIL.server, MAIL.tool, emailArguments(question)),
      },
    ],
    outcome: { status: "completed" },
  };
}

/**
 * A call of one of the app's own function tools: the response completes with the `function_call` and no output,
 * and the app must run it. A tool the request does not offer cannot be called, so the agent says so instead.
 */
export function clientFunctionTimeline(question: string, functions: ReadonlySet<string>): Timeline {
  const tool = /\b(?:calculate|compute)/i.test(question) ? CALCULATE_TOOL : TIME_TOOL;
  const expression = tool === CALCULATE_TOOL ? expressionIn(question) : undefined;
  const say = (text: string): Timeline => ({
    scenario: "client-function",
    queuedMs: 800,
    steps: [
      { kind: "wait", ms: 400 },
      { kind: "message", ms: 1_200, text },
    ],
    outcome: { status: "completed" },
  });
  if (!functions.has(tool)) {
    return say(
      `I cannot do that here: the \`${tool}\` tool is not available to the agent. ` +
        `Offer a function tool named \`${tool}\` in the request's \`tools\` and ask again.`,
    );
  }
  if (tool === CALCULATE_TOOL && expression === undefined) {
    return say(
      `I would use the \`${CALCULATE_TOOL}\` tool, but I found no arithmetic expression in "${quote(question)}". ` +
        "Write it out, for example: calculate 17 * 23 + 4.",
    );
  }
  const args = tool === CALCULATE_TOOL ? { expression } : { timezone: timezoneFor(question) };
  return {
    scenario: "client-function",
    queuedMs: 800,
    steps: [
      { kind: "wait", ms: 400 },
      { kind: "function_call", ms: 800, queuedMs: 0, name: tool, arguments: JSON.stringify(args) },
    ],
    outcome: { status: "completed" },
  };
}

/** An item type no client knows, with fields no client knows, so the app's fallback rendering is exercised. */
export function unknownItemTimeline(question: string): Timeline {
  return {
    scenario: "unknown-item",
    queuedMs: 600,
    steps: [
      { kind: "wait", ms: 300 },
      {
        kind: "item",
        ms: 700,
        prefix: "holo",
        item: { type: "emulator_hologram", status: "completed", payload: { shape: "cube", spin: 3 } },
      },
      {
        kind: "message",
        ms: 1_000,
        text:
          `You asked: "${quote(question)}"\n\n` +
          "The item before this message has the type `emulator_hologram`, which no client knows. " +
          "The emulator sends it to check that an app shows unknown items instead of failing on them.",
      },
    ],
    outcome: { status: "completed" },
  };
}
