// Follow-up cycles: after the app answers approval requests or runs a function tool, it sends the history back
// with the decisions or results after the last user message. Those trailing items, not the question's words,
// decide what the agent does next.

import { type ApiError, invalidParameter } from "./errors";
import { contentText, isMessage } from "./input";
import type { Step, Timeline } from "./timeline";
import { CALCULATE_TOOL, mcpCallResult, mcpCallSummary, TIME_TOOL } from "./tools";
import type { JsonObject } from "./types";

/** The multi-step scenario's hosted tools: their outputs are the agent's own, never something to report on. */
const HOSTED_TOOLS = new Set(["query_sales_genie", "summarize_trends"]);

/** Index of the first item after the last user message (0 when there is none). */
function trailingStart(items: JsonObject[]): number {
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i];
    if (item && isMessage(item) && item.role === "user") return i + 1;
  }
  return 0;
}

/**
 * Every approval response after the last user message must name an `mcp_approval_request` sent in the same
 * input: the Supervisor API keeps no state between responses, so the request item has to come back with it.
 */
export function approvalInputError(items: JsonObject[]): ApiError | undefined {
  for (let index = trailingStart(items); index < items.length; index++) {
    const item = items[index] as JsonObject;
    if (item.type !== "mcp_approval_response") continue;
    const id = item.approval_request_id;
    if (typeof id !== "string" || !id) {
      return invalidParameter(
        `input[${index}] is an mcp_approval_response without an approval_request_id.`,
        `input[${index}].approval_request_id`,
      );
    }
    if (typeof item.approve !== "boolean") {
      return invalidParameter(
        `input[${index}] is an mcp_approval_response whose 'approve' is not true or false.`,
        `input[${index}].approve`,
      );
    }
    if (!findRequest(items, id)) {
      return invalidParameter(
        `input[${index}].approval_request_id ${JSON.stringify(id)} does not match any mcp_approval_request in ` +
          "the input: send the request item back together with its mcp_approval_response.",
        `input[${index}].approval_request_id`,
      );
    }
  }
  return undefined;
}

function findRequest(items: JsonObject[], id: string): JsonObject | undefined {
  return items.find((item) => item.type === "mcp_approval_request" && item.id === id);
}

/** The follow-up run the input asks for, or undefined when it is an ordinary question. */
export function followUpTimeline(items: JsonObject[]): Timeline | undefined {
  const start = trailingStart(items);
  const trailing = items.slice(start);
  if (trailing.some((item) => item.type === "mcp_approval_response"))
    return approvalFollowUp(items, trailing);
  if (trailing.at(-1)?.type === "function_call_output") return functionFollowUp(items, trailing);
  return undefined;
}

interface Decision {
  request: JsonObject;
  approve: boolean;
  reason: string | undefined;
}

/** An mcp_call for each approved request, then one message about all of them. */
function approvalFollowUp(items: JsonObject[], trailing: JsonObject[]): Timeline {
  const decisions: Decision[] = [];
  for (const response of trailing) {
    if (response.type !== "mcp_approval_response") continue;
    const id = String(response.approval_request_id);
    // Validation already refused unknown ids; a repeated response for the same request counts once.
    const request = findRequest(items, id);
    if (!request || decisions.some((d) => d.request.id === id)) continue;
    const reason =
      typeof response.reason === "string" && response.reason.trim() ? response.reason.trim() : undefined;
    decisions.push({ request, approve: response.approve === true, reason });
  }
  const steps: Step[] = [{ kind: "wait", ms: 400 }];
  const paragraphs: string[] = [];
  for (const { request, approve, reason } of decisions) {
    const name = String(request.name ?? "tool");
    const server = String(request.server_label ?? "mcp");
    if (!approve) {
      const why = reason ? ` Your reason: "${reason}".` : "";
      paragraphs.push(`I did not run \`${name}\` on \`${server}\` because you denied it.${why}`);
      continue;
    }
    const args =
      typeof request.arguments === "string" ? request.arguments : JSON.stringify(request.arguments ?? {});
    const output = mcpCallResult(name, parseObject(args));
    const call = {
      type: "mcp_call",
      server_label: server,
      name,
      arguments: args,
      error: null,
      approval_request_id: request.id,
    };
    steps.push({
      kind: "item",
      ms: 800,
      prefix: "mcp",
      // While the tool runs the call is `calling` and has no output yet.
      partial: { ...call, status: "calling" },
      item: { ...call, output, status: "completed" },
    });
    // The call's card already shows its full output: the answer says what it means rather than repeating it.
    paragraphs.push(mcpCallSummary(name, server, parseObject(args), output));
  }
  if (decisions.every((d) => !d.approve))
    paragraphs.push("Nothing was run. Tell me how you would like to go on.");
  steps.push({ kind: "message", ms: 1_200, text: paragraphs.join("\n\n") });
  return { scenario: "approval-follow-up", queuedMs: 600, steps, outcome: { status: "completed" } };
}

/** A short answer built from the outputs the app sent for its own function tools, quoted verbatim. */
function functionFollowUp(items: JsonObject[], trailing: JsonObject[]): Timeline {
  const calls = new Map<string, JsonObject>();
  for (const item of items) {
    if (item.type === "function_call" && typeof item.call_id === "string") calls.set(item.call_id, item);
  }
  const outputs = trailing.filter((item) => item.type === "function_call_output");
  const clientOutputs = outputs.filter(
    (item) => !HOSTED_TOOLS.has(String(calls.get(String(item.call_id))?.name)),
  );
  // Only hosted pairs after the question: answer about the last one rather than about nothing.
  const reported = clientOutputs.length > 0 ? clientOutputs : outputs.slice(-1);
  const text = reported
    .map((output) => resultSentence(calls.get(String(output.call_id)), output))
    .join("\n\n");
  return {
    scenario: "function-follow-up",
    queuedMs: 500,
    steps: [
      { kind: "wait", ms: 300 },
      { kind: "message", ms: 1_200, text },
    ],
    outcome: { status: "completed" },
  };
}

function resultSentence(call: JsonObject | undefined, output: JsonObject): string {
  const name = typeof call?.name === "string" ? call.name : "tool";
  const result = outputText(output.output);
  if (/^error\b/i.test(result.trim())) return `The \`${name}\` tool failed: "${result.trim()}".`;
  const args = parseObject(typeof call?.arguments === "string" ? call.arguments : "{}");
  if (name === TIME_TOOL)
    return `It is ${result} in ${typeof args.timezone === "string" ? args.timezone : "UTC"}.`;
  if (name === CALCULATE_TOOL && typeof args.expression === "string")
    return `${args.expression} = ${result}.`;
  return `\`${name}\` returned: ${result}`;
}

/** A function_call_output's `output` is a string or a list of content parts. */
function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) return contentText(output);
  return JSON.stringify(output ?? null);
}

function parseObject(json: string): JsonObject {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as JsonObject) : {};
  } catch {
    return {};
  }
}
