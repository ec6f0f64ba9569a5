// How the runtime (FastAPI on Starlette) writes its answers: compact JSON bodies, `{"detail": …}` errors, and
// event data in Python's `json.dumps` style.

import { requestId } from "../ids";

/** FastAPI's JSONResponse: compact JSON. */
export function jsonAnswer(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-request-id": requestId(), ...headers },
  });
}

/** An HTTPException's answer: `{"detail": <message or validation errors>}`. */
export function detail(status: number, value: unknown, headers: Record<string, string> = {}): Response {
  return jsonAnswer(status, { detail: value }, headers);
}

/**
 * Python's `json.dumps` with its defaults: `", "` and `": "` between items, and every character outside
 * printable ASCII escaped as `\uXXXX` (lower-case hex, astral characters as surrogate pairs).
 */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return pythonString(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "NaN";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (typeof value === "object") {
    const fields = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .map(([key, field]) => `${pythonString(key)}: ${pythonJson(field)}`);
    return `{${fields.join(", ")}}`;
  }
  return "null";
}

function pythonString(text: string): string {
  // JSON.stringify already escapes quotes, backslashes and control characters as Python does.
  return JSON.stringify(text).replace(
    /[^\x20-\x7e]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
