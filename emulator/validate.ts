// Checks a create request the way the upstreams do, so the app meets the same 400s offline.

import { type ApiError, badRequest, invalidParameter } from "./errors";
import { approvalInputError } from "./followups";
import { inputItems, isMessage } from "./input";
import { openaiSettings } from "./openai-fields";
import type { EmulatorFlavor, JsonObject, OpenAISettings } from "./types";

export interface CreateRequest {
  model: string | undefined;
  instructions: string | null;
  items: JsonObject[];
  background: boolean;
  /** `stream: true` with `background: true` (OpenAI flavour only): the create answers with an event stream. */
  stream: boolean;
  /** The request's tool definitions (objects only); the client-function scenario looks for its function. */
  tools: JsonObject[];
  /** What an OpenAI response echoes of the request (openai flavour only). */
  settings?: OpenAISettings;
}

export type Validation = { ok: true; request: CreateRequest } | { ok: false; error: ApiError };

const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const MAX_ID_LENGTH = 64;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function validateCreate(body: unknown, flavor: EmulatorFlavor): Validation {
  const error = firstError(body, flavor);
  if (error) return { ok: false, error };
  const b = body as JsonObject;
  return {
    ok: true,
    request: {
      model: typeof b.model === "string" && b.model ? b.model : undefined,
      instructions: typeof b.instructions === "string" ? b.instructions : null,
      items: inputItems(b.input as string | JsonObject[]),
      background: b.background === true,
      stream: b.stream === true,
      tools: Array.isArray(b.tools) ? b.tools.filter(isObject) : [],
      settings: flavor === "openai" ? openaiSettings(b) : undefined,
    },
  };
}

function firstError(body: unknown, flavor: EmulatorFlavor): ApiError | undefined {
  if (!isObject(body)) return badRequest("The request body must be a JSON object.");
  for (const field of ["background", "stream"] as const) {
    if (body[field] !== undefined && body[field] !== null && typeof body[field] !== "boolean") {
      return invalidParameter(`'${field}' must be true or false.`, field);
    }
  }
  // Quirk 7 in docs/upstreams.md: the Supervisor API refuses to stream a background response; OpenAI streams it (and resumes it).
  if (body.stream === true && body.background === true && flavor === "databricks") {
    return badRequest(
      "'stream' and 'background' cannot both be true: poll the background response instead.",
      "stream",
    );
  }
  if (body.stream === true && body.background !== true) {
    return badRequest(
      "Streaming is only emulated for background responses: send 'background': true with 'stream': true, or 'stream': false.",
      "stream",
    );
  }
  if (body.model !== undefined && typeof body.model !== "string") {
    return invalidParameter("'model' must be a string.", "model");
  }
  if (
    body.instructions !== undefined &&
    body.instructions !== null &&
    typeof body.instructions !== "string"
  ) {
    return invalidParameter("'instructions' must be a string.", "instructions");
  }
  const inputError = checkInput(body.input);
  if (inputError) return inputError;
  if (body.tools !== undefined && body.tools !== null && !Array.isArray(body.tools)) {
    return invalidParameter("'tools' must be an array of tool definitions.", "tools");
  }
  const items = inputItems(body.input as string | JsonObject[]);
  if (flavor === "databricks") {
    const error = databricksRules(body, items);
    if (error) return error;
  }
  // No previous_response_id is emulated, so in both flavours a decision needs its request in the same input.
  return approvalInputError(items);
}

function checkInput(input: unknown): ApiError | undefined {
  if (input === undefined || input === null) {
    return invalidParameter(
      "'input' is required: send the conversation as a string or a list of items.",
      "input",
    );
  }
  if (typeof input === "string") {
    return input.trim() ? undefined : invalidParameter("'input' must not be empty.", "input");
  }
  if (!Array.isArray(input)) {
    return invalidParameter("'input' must be a string or a list of items.", "input");
  }
  if (input.length === 0) return invalidParameter("'input' must not be an empty list.", "input");
  const bad = input.findIndex((item) => !isObject(item));
  if (bad >= 0)
    return invalidParameter(`input[${bad}] must be an object (a message or an item).`, `input[${bad}]`);
  for (const [index, item] of (input as JsonObject[]).entries()) {
    if (isMessage(item) && item.content === undefined) {
      return invalidParameter(`input[${index}] is a message without 'content'.`, `input[${index}].content`);
    }
  }
  return undefined;
}

/** The Supervisor API's own refusals (CONTRACT "Databricks specifics", edge case 13). */
function databricksRules(body: JsonObject, items: JsonObject[]): ApiError | undefined {
  const tools = Array.isArray(body.tools) ? body.tools : [];
  if (tools.length > 0) {
    for (const param of ["temperature", "top_p"] as const) {
      if (body[param] !== undefined && body[param] !== null) {
        return invalidParameter(
          `'${param}' cannot be combined with 'tools' on the Supervisor API: remove '${param}' or the tools.`,
          param,
        );
      }
    }
  }
  for (const [index, tool] of tools.entries()) {
    if (!isObject(tool) || typeof tool.type !== "string") {
      return invalidParameter(`tools[${index}] must be an object with a 'type'.`, `tools[${index}]`);
    }
    if (tool.type !== "function") continue;
    const nested = isObject(tool.function) ? tool.function.name : undefined;
    const name = tool.name ?? nested;
    if (typeof name !== "string" || !FUNCTION_NAME.test(name)) {
      return invalidParameter(
        `tools[${index}] has an invalid function name ${JSON.stringify(name ?? null)}: use 1-64 letters, digits, '_' or '-'.`,
        `tools[${index}].name`,
      );
    }
  }
  return idLengthError(items) ?? orphanError(items);
}

function idLengthError(items: JsonObject[]): ApiError | undefined {
  for (const [index, item] of items.entries()) {
    for (const field of ["id", "call_id", "approval_request_id"] as const) {
      const value = item[field];
      if (typeof value === "string" && value.length > MAX_ID_LENGTH) {
        return invalidParameter(
          `input[${index}].${field} is ${value.length} characters long; ids may have at most ${MAX_ID_LENGTH}.`,
          `input[${index}].${field}`,
        );
      }
    }
  }
  return undefined;
}

/** Every function_call needs its output later in the input, and every output a call before it. */
function orphanError(items: JsonObject[]): ApiError | undefined {
  const open = new Map<string, number>();
  for (const [index, item] of items.entries()) {
    const callId = typeof item.call_id === "string" ? item.call_id : undefined;
    if (item.type === "function_call") {
      if (!callId)
        return invalidParameter(`input[${index}] is a function_call without a call_id.`, `input[${index}]`);
      open.set(callId, index);
    } else if (item.type === "function_call_output") {
      if (!callId || !open.has(callId)) {
        return invalidParameter(
          `input[${index}] is a function_call_output for call_id ${JSON.stringify(callId ?? null)}, ` +
            "but no function_call with that call_id comes before it.",
          `input[${index}].call_id`,
        );
      }
      open.delete(callId);
    }
  }
  const [orphan] = open;
  if (orphan) {
    const [callId, index] = orphan;
    return invalidParameter(
      `input[${index}] is a function_call (call_id ${JSON.stringify(callId)}) with no function_call_output after it: ` +
        "send the tool's result with the call.",
      `input[${index}]`,
    );
  }
  return undefined;
}
