// The create request as MLflow's ResponsesAgent validator takes it: `input` must be a list of known items,
// `custom_inputs` and `context` are read, and every other field (`model`, `tools`, `instructions`, …) is
// dropped unread. Errors read as the server's own: "Invalid JSON in request body: …" and "Invalid parameters
// for ResponsesAgent: …".

import type { JsonObject } from "../types";

export interface AgentCreateRequest {
  items: JsonObject[];
  background: boolean;
  stream: boolean;
  /** The request's `model`, kept only to show in `inspect()`: the agent ignores it. */
  model: string;
  /** What a resumed run's conversation id is built on, when the create named a conversation. */
  conversationId?: string;
}

export type ParsedCreate = { ok: true; request: AgentCreateRequest } | { ok: false; detail: string };

interface Problem {
  loc: string;
  msg: string;
  type: string;
}

const ROLES = new Set(["user", "assistant", "system", "developer"]);

/** Fields each output item type must carry, and of which JSON type (MLflow's pydantic models). */
const REQUIRED: Record<string, Record<string, "string" | "boolean" | "array">> = {
  function_call: { arguments: "string", call_id: "string", name: "string" },
  function_call_output: { call_id: "string", output: "string" },
  reasoning: { id: "string", summary: "array" },
  mcp_approval_request: { id: "string", arguments: "string", name: "string", server_label: "string" },
  mcp_approval_response: { approval_request_id: "string", approve: "boolean" },
  // Accepted without checks, as the validator does.
  file_search_call: {},
  computer_call: {},
  web_search_call: {},
};

export function parseCreate(text: string): ParsedCreate {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    return { ok: false, detail: `Invalid JSON in request body: ${(error as Error).message}` };
  }
  if (!isObject(body))
    return invalid({ loc: "", msg: "Input should be a valid dictionary", type: "dict_type" });
  const problem = requestProblem(body);
  if (problem) return invalid(problem);
  const custom = isObject(body.custom_inputs) ? body.custom_inputs : {};
  const context = isObject(body.context) ? body.context : {};
  const conversation = [custom.thread_id, custom.session_id, context.conversation_id].find(truthy);
  return {
    ok: true,
    request: {
      items: body.input as JsonObject[],
      // The server reads both as Python truth values before validating the rest.
      background: truthy(body.background),
      stream: truthy(body.stream),
      model: typeof body.model === "string" ? body.model : "",
      ...(conversation === undefined
        ? {}
        : { conversationId: typeof conversation === "string" ? conversation : JSON.stringify(conversation) }),
    },
  };
}

function requestProblem(body: JsonObject): Problem | undefined {
  if (!("input" in body)) return { loc: "input", msg: "Field required", type: "missing" };
  if (!Array.isArray(body.input))
    return { loc: "input", msg: "Input should be a valid list", type: "list_type" };
  for (const [index, item] of body.input.entries()) {
    const problem = itemProblem(item, `input.${index}`);
    if (problem) return problem;
  }
  for (const field of ["custom_inputs", "context"]) {
    const value = body[field];
    if (value !== undefined && value !== null && !isObject(value))
      return { loc: field, msg: "Input should be a valid dictionary", type: "dict_type" };
  }
  const context = isObject(body.context) ? body.context : {};
  for (const field of ["conversation_id", "user_id"]) {
    const value = context[field];
    if (value !== undefined && value !== null && typeof value !== "string")
      return { loc: `context.${field}`, msg: "Input should be a valid string", type: "string_type" };
  }
  return undefined;
}

function itemProblem(item: unknown, loc: string): Problem | undefined {
  if (!isObject(item)) return { loc, msg: "Input should be a valid dictionary", type: "dict_type" };
  const type = item.type;
  if (type === undefined || type === "message") {
    if (typeof item.role !== "string" || !ROLES.has(item.role)) {
      return {
        loc: `${loc}.role`,
        msg: "Input should be 'user', 'assistant', 'system' or 'developer'",
        type: "literal_error",
      };
    }
    if (typeof item.content !== "string" && !Array.isArray(item.content))
      return { loc: `${loc}.content`, msg: "Input should be a valid string or list", type: "union_type" };
    return undefined;
  }
  const fields = typeof type === "string" ? REQUIRED[type] : undefined;
  if (!fields) {
    return {
      loc,
      msg: `Input tag ${JSON.stringify(type)} found using 'type' does not match any of the expected tags: 'message', ${Object.keys(REQUIRED).join(", ")}`,
      type: "union_tag_invalid",
    };
  }
  for (const [field, kind] of Object.entries(fields)) {
    const value = item[field];
    if (value === undefined) return { loc: `${loc}.${field}`, msg: "Field required", type: "missing" };
    const ok = kind === "array" ? Array.isArray(value) : typeof value === kind;
    if (!ok) return { loc: `${loc}.${field}`, msg: `Input should be a valid ${kind}`, type: `${kind}_type` };
  }
  return undefined;
}

function invalid(problem: Problem): ParsedCreate {
  const where = problem.loc ? `${problem.loc}\n` : "";
  return {
    ok: false,
    detail:
      "Invalid parameters for ResponsesAgent: Invalid data for ResponsesAgentRequest: 1 validation error for " +
      `ResponsesAgentRequest\n${where}  ${problem.msg} [type=${problem.type}]`,
  };
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Python's truth value of a JSON value: empty strings, lists and objects, 0 and null are false. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}
