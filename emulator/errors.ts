// Error bodies in each upstream's own envelope, with messages a person can act on.

import { requestId } from "./ids";
import type { EmulatorFlavor } from "./types";

export type ErrorKind =
  | "bad_request"
  | "invalid_parameter"
  | "unauthenticated"
  | "not_found"
  | "method_not_allowed"
  | "internal"
  | "unavailable"
  | "rate_limited";

export interface ApiError {
  status: number;
  kind: ErrorKind;
  message: string;
  /** The request field at fault, when there is one (OpenAI's `param`). */
  param?: string;
}

const DATABRICKS_CODES: Record<ErrorKind, string> = {
  bad_request: "BAD_REQUEST",
  invalid_parameter: "INVALID_PARAMETER_VALUE",
  unauthenticated: "UNAUTHENTICATED",
  not_found: "NOT_FOUND",
  // Databricks has no dedicated code the app relies on here; BAD_REQUEST keeps to the documented set.
  method_not_allowed: "BAD_REQUEST",
  internal: "INTERNAL_ERROR",
  unavailable: "TEMPORARILY_UNAVAILABLE",
  rate_limited: "REQUEST_LIMIT_EXCEEDED",
};

const OPENAI_CODES: Partial<Record<ErrorKind, string>> = {
  unauthenticated: "invalid_api_key",
  not_found: "not_found",
  method_not_allowed: "method_not_allowed",
  rate_limited: "rate_limit_exceeded",
};

const OPENAI_TYPES: Partial<Record<ErrorKind, string>> = {
  internal: "server_error",
  unavailable: "server_error",
  rate_limited: "requests",
};

export function badRequest(message: string, param?: string): ApiError {
  return { status: 400, kind: "bad_request", message, param };
}

export function invalidParameter(message: string, param?: string): ApiError {
  return { status: 400, kind: "invalid_parameter", message, param };
}

export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "x-request-id": requestId() },
  });
}

export function errorResponse(flavor: EmulatorFlavor, error: ApiError): Response {
  if (flavor === "databricks") {
    return jsonResponse(error.status, { error_code: DATABRICKS_CODES[error.kind], message: error.message });
  }
  const type = OPENAI_TYPES[error.kind] ?? "invalid_request_error";
  return jsonResponse(error.status, {
    error: {
      message: error.message,
      type,
      param: error.param ?? null,
      code: OPENAI_CODES[error.kind] ?? null,
    },
  });
}
