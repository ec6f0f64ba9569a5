// What OpenAI's Responses API puts in every body that the Supervisor API leaves out: the request's settings
// echoed on each response object (with the service's defaults for those not sent), and the fields OpenAI
// always gives its output items. The `databricks` flavour sends none of it (docs/upstreams.md).

import type { JsonObject, OpenAISettings } from "./types";

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const numberOr = (value: unknown, fallback: number | null): number | null =>
  typeof value === "number" ? value : fallback;

/**
 * The settings a response echoes, as in the Response object of OpenAI's reference: what the request sent,
 * else the default (`temperature` and `top_p` 1, `tool_choice` "auto", calls in parallel, plain text).
 */
export function openaiSettings(body: JsonObject): OpenAISettings {
  return {
    tools: Array.isArray(body.tools) ? body.tools.filter(isObject).map(echoedTool) : [],
    tool_choice:
      typeof body.tool_choice === "string" || isObject(body.tool_choice) ? body.tool_choice : "auto",
    parallel_tool_calls: typeof body.parallel_tool_calls === "boolean" ? body.parallel_tool_calls : true,
    temperature: numberOr(body.temperature, 1),
    top_p: numberOr(body.top_p, 1),
    max_output_tokens: numberOr(body.max_output_tokens, null),
    previous_response_id: typeof body.previous_response_id === "string" ? body.previous_response_id : null,
    reasoning: isObject(body.reasoning) ? body.reasoning : { effort: null, summary: null },
    store: typeof body.store === "boolean" ? body.store : true,
    text: isObject(body.text) ? body.text : { format: { type: "text" } },
    truncation: body.truncation === "auto" ? "auto" : "disabled",
  };
}

/** A function tool comes back with every field filled: `strict` is on unless the request turned it off. */
function echoedTool(tool: JsonObject): JsonObject {
  if (tool.type !== "function") return tool;
  return { description: null, parameters: null, ...tool, strict: tool.strict ?? true };
}

/**
 * An output item with the fields OpenAI always gives it: log probabilities (none asked for) on every text part,
 * and a status on a function_call_output.
 */
export function openaiItem(item: JsonObject): JsonObject {
  if (item.type === "function_call_output") return { ...item, status: item.status ?? "completed" };
  if (item.type !== "message" || !Array.isArray(item.content)) return item;
  return {
    ...item,
    content: item.content.map((part: JsonObject) =>
      part.type === "output_text" && part.logprobs === undefined ? { ...part, logprobs: [] } : part,
    ),
  };
}
