import type { z } from "zod";
import { NotSignedInError } from "@/lib/auth/request";
import { ChatRefusal, type ChatRefusalKind } from "@/lib/chat/errors";
import { ChatBusyError, ChatNotFoundError, RunLimitError } from "@/lib/db/chat-store";

/** Every error a route returns, with one JSON shape: `{ error: { code, message } }`. */
export type ErrorCode =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "payload_too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "upstream_unavailable"
  | "internal_error";

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  upstream_unavailable: 502,
  internal_error: 500,
};

/** How lib/chat's refusals are answered. */
const REFUSAL_CODE: Record<ChatRefusalKind, ErrorCode> = {
  invalid: "bad_request",
  missing: "not_found",
  conflict: "conflict",
};

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra response headers (a 429's Retry-After). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }

  toResponse(): Response {
    return Response.json(
      { error: { code: this.code, message: this.message } },
      { status: STATUS[this.code], ...(this.headers ? { headers: this.headers } : {}) },
    );
  }
}

/** A zod failure as one readable sentence: the first problem, with where it is. */
export function validationError(error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const where = issue?.path.length ? ` (at ${issue.path.join(".")})` : "";
  return new ApiError("bad_request", `${issue?.message ?? "Invalid request."}${where}`);
}

/** Read a JSON body with a size cap, without trusting Content-Length. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const text = await readJsonText(request, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError("bad_request", "The request body is not valid JSON.");
  }
}

/** A JSON body as the text it came in (a signature covers those exact bytes), with a size cap. */
export async function readJsonText(request: Request, maxBytes: number): Promise<string> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().includes("application/json")) {
    throw new ApiError(
      "unsupported_media_type",
      "Send the request body as JSON (Content-Type: application/json).",
    );
  }
  const text = await request.text();
  if (new TextEncoder().encode(text).length > maxBytes) {
    throw new ApiError(
      "payload_too_large",
      `The request body is larger than ${Math.round(maxBytes / 1024)} KB.`,
    );
  }
  return text;
}

/**
 * Read a body the route will not use, before refusing its request: Node keeps the connection for the client's
 * next request only once this one's body has been read, and a refusal that leaves it unread makes that next
 * request fail with a reset. Chunks are dropped as they come (nothing is kept); past `maxBytes` the rest is not
 * waited for.
 */
export async function discardBody(request: Request, maxBytes: number): Promise<void> {
  const reader = request.body?.getReader();
  if (!reader) return;
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
      if (seen > maxBytes) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away: nothing to keep the connection for.
  }
}

/**
 * The one place a route's error becomes its JSON answer. Anything unexpected is a 500 in the same shape, its
 * details in the server's log only (`where`: the method and path, to find it there).
 */
export function errorResponse(err: unknown, where = "request"): Response {
  if (err instanceof ApiError) return err.toResponse();
  if (ChatRefusal.is(err)) return new ApiError(REFUSAL_CODE[err.kind], err.message).toResponse();
  if (ChatBusyError.is(err)) return new ApiError("conflict", err.message).toResponse();
  if (RunLimitError.is(err)) return rateLimited(err).toResponse();
  if (ChatNotFoundError.is(err)) return new ApiError("not_found", err.message).toResponse();
  if (NotSignedInError.is(err)) return new ApiError("unauthorized", err.message).toResponse();
  console.error(`${where}:`, err instanceof Error ? err.message : err);
  return new ApiError("internal_error", "The server could not handle this request.").toResponse();
}

/** A limit of the person's: a 429 saying which, and (runs per day) when to ask again. */
function rateLimited(err: RunLimitError): ApiError {
  const retryAfterS =
    err.freesAt === undefined ? undefined : Math.max(1, Math.ceil((err.freesAt - Date.now()) / 1000));
  return new ApiError(
    "rate_limited",
    err.message,
    retryAfterS === undefined ? undefined : { "Retry-After": String(retryAfterS) },
  );
}
