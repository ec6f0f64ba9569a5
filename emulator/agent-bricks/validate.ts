// Request validation as FastAPI and Pydantic v2 do it for the runtime's routes: a 422 whose `detail` lists every
// problem as `{type, loc, msg, input[, ctx]}`, header problems before body ones. The runtime's own header rule
// (one clean session header) is a separate 422 with a sentence as its detail.

import type { JsonObject } from "../types";
import type { SessionContract } from "./options";

export const SESSION_HEADER = "X-Databricks-Session-Id";

export const BAD_SESSION_HEADER =
  `Exactly one nonblank ${SESSION_HEADER} header without surrounding whitespace ` +
  "or control characters is required";

export interface FieldError {
  type: string;
  loc: Array<string | number>;
  msg: string;
  input: unknown;
  ctx?: JsonObject;
}

/** A create as the runtime accepted it: `id` in its canonical form, `input` any JSON. */
export interface CreateRequest {
  id: string;
  input: unknown;
  background: boolean;
  stream: boolean;
  /** The body contract's `session_id` (null when left out); undefined under the header contract. */
  sessionId?: string | null;
}

const FIELDS = ["id", "input", "background", "stream"];

/** The body of `POST /api/invocations` (`extra="forbid"`; `session_id` is a field only under the body contract). */
export function validateCreateBody(
  text: string,
  contract: SessionContract,
): { ok: true; request: CreateRequest } | { ok: false; errors: FieldError[] } {
  if (text.trim() === "") {
    return { ok: false, errors: [{ type: "missing", loc: ["body"], msg: "Field required", input: null }] };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    const position = Number(/position (\d+)/.exec(String(error))?.[1] ?? 0);
    return {
      ok: false,
      errors: [
        {
          type: "json_invalid",
          loc: ["body", position],
          msg: "JSON decode error",
          input: {},
          ctx: { error: "Expecting value" },
        },
      ],
    };
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return {
      ok: false,
      errors: [
        {
          type: "model_attributes_type",
          loc: ["body"],
          msg: "Input should be a valid dictionary or object to extract fields from",
          input: body,
        },
      ],
    };
  }
  const fields = body as JsonObject;
  const errors: FieldError[] = [];
  let id = "";
  if (!("id" in fields)) {
    errors.push({ type: "missing", loc: ["body", "id"], msg: "Field required", input: fields });
  } else {
    const parsed = parseUuid(fields.id, ["body", "id"]);
    if (typeof parsed === "string") id = parsed;
    else errors.push(parsed);
  }
  const flag = (name: "background" | "stream"): boolean => {
    if (!(name in fields)) return false;
    const value = laxBool(fields[name]);
    if (typeof value === "boolean") return value;
    errors.push({ ...value, loc: ["body", name], input: fields[name] });
    return false;
  };
  const background = flag("background");
  const stream = flag("stream");
  let sessionId: string | null | undefined;
  if (contract === "body") {
    const value = fields.session_id;
    sessionId = null;
    if (typeof value === "string" && value.length > 0) sessionId = value;
    else if (typeof value === "string") {
      errors.push({
        type: "string_too_short",
        loc: ["body", "session_id"],
        msg: "String should have at least 1 character",
        input: value,
        ctx: { min_length: 1 },
      });
    } else if (value !== undefined && value !== null) {
      errors.push({
        type: "string_type",
        loc: ["body", "session_id"],
        msg: "Input should be a valid string",
        input: value,
      });
    }
  }
  const allowed = contract === "body" ? [...FIELDS, "session_id"] : FIELDS;
  for (const [key, value] of Object.entries(fields)) {
    if (!allowed.includes(key)) {
      errors.push({
        type: "extra_forbidden",
        loc: ["body", key],
        msg: "Extra inputs are not permitted",
        input: value,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };
  // `input` defaults to an empty list; any other JSON value is the agent's business.
  const input = "input" in fields ? fields.input : [];
  return {
    ok: true,
    request: { id, input, background, stream, ...(contract === "body" ? { sessionId } : {}) },
  };
}

/** The header contract's session: the id, a missing-field error, or the runtime's own 422 sentence. */
export function sessionFromHeader(
  headers: Headers,
): { id: string } | { missing: FieldError } | { bad: string } {
  const value = headers.get(SESSION_HEADER);
  if (value === null) {
    return {
      missing: { type: "missing", loc: ["header", SESSION_HEADER], msg: "Field required", input: null },
    };
  }
  // Fetch joins repeated headers with ", ", so a comma is how two headers show; one value with a comma is
  // refused as well (as later versions of the runtime do).
  const clean =
    value.length > 0 &&
    value.trim() === value &&
    !value.includes(",") &&
    ![...value].some((character) => character.charCodeAt(0) < 32 || character.charCodeAt(0) === 127);
  return clean ? { id: value } : { bad: BAD_SESSION_HEADER };
}

/** A UUID in any of the forms Pydantic takes (hyphenated, simple, braced, `urn:uuid:`), canonicalised. */
export function parseUuid(value: unknown, loc: Array<string | number>): string | FieldError {
  if (typeof value !== "string") {
    return {
      type: "uuid_type",
      loc,
      msg: "UUID input should be a string, bytes or UUID object",
      input: value,
    };
  }
  const hex = uuidHex(value);
  if (typeof hex === "string") {
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  return {
    type: "uuid_parsing",
    loc,
    msg: `Input should be a valid UUID, ${hex.error}`,
    input: value,
    ctx: { error: hex.error },
  };
}

function uuidHex(value: string): string | { error: string } {
  let text = value;
  if (/^urn:uuid:/i.test(text)) text = text.slice(9);
  else if (text.startsWith("{") && text.endsWith("}")) text = text.slice(1, -1);
  const bad = [...text].findIndex((character) => !/[0-9a-fA-F-]/.test(character));
  if (bad >= 0) {
    return {
      error: `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${text[bad]}\` at ${bad + 1}`,
    };
  }
  if (/^[0-9a-f]{32}$/i.test(text)) return text.toLowerCase();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)) {
    return text.replaceAll("-", "").toLowerCase();
  }
  const groups = text.split("-").length;
  if (groups !== 1 && groups !== 5) return { error: `invalid group count: expected 5, found ${groups}` };
  return { error: `invalid length: expected length 32 for simple format, found ${text.length}` };
}

const TRUE_WORDS = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE_WORDS = new Set(["0", "off", "f", "false", "n", "no"]);

/** Pydantic's lax booleans: true/false, 0/1, and yes/no-like words. */
function laxBool(value: unknown): boolean | Omit<FieldError, "loc" | "input"> {
  if (typeof value === "boolean") return value;
  const unreadable = {
    type: "bool_parsing",
    msg: "Input should be a valid boolean, unable to interpret input",
  };
  if (typeof value === "number") return value === 1 ? true : value === 0 ? false : unreadable;
  if (typeof value === "string") {
    const word = value.toLowerCase();
    return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : unreadable;
  }
  return { type: "bool_type", msg: "Input should be a valid boolean" };
}

/** `?after=N` of the events route: an integer, 0 when absent. */
export function parseAfter(raw: string | null): number | FieldError {
  if (raw === null) return 0;
  if (/^\s*[+-]?\d+\s*$/.test(raw)) return Number(raw);
  return {
    type: "int_parsing",
    loc: ["query", "after"],
    msg: "Input should be a valid integer, unable to parse string as an integer",
    input: raw,
  };
}
