/**
 * Upstream failures, classified by what the engine should do about them. Works on the `openai` SDK's
 * APIError family by shape (status, error body, headers), so the engine does not depend on the SDK.
 */

export type UpstreamErrorKind =
  | "transient" // network error, timeout, 408/409/5xx: retry retrieve with back-off
  | "rate_limited" // 429: retry after the server's hint
  | "not_found" // 404: the stored response is gone (expired) or never existed
  | "auth" // 401/403: credentials rejected or missing scope
  | "bad_request" // other 4xx: our request is wrong; retrying will not help
  | "aborted"; // our own AbortSignal

export interface UpstreamErrorInfo {
  kind: UpstreamErrorKind;
  status?: number;
  message: string;
  retryAfterMs?: number;
}

interface ErrorLike {
  name?: string;
  status?: number;
  message?: string;
  error?: { message?: unknown } | null;
  headers?: { get(name: string): string | null } | null;
}

export function describeUpstreamError(err: unknown): UpstreamErrorInfo {
  const e = (err && typeof err === "object" ? err : {}) as ErrorLike;
  if (e.name === "AbortError" || e.name === "APIUserAbortError") {
    return { kind: "aborted", message: "The request was aborted." };
  }
  const status = typeof e.status === "number" ? e.status : undefined;
  const message = upstreamMessage(e, status);
  if (status === undefined) return { kind: "transient", message };
  if (status === 429) return { kind: "rate_limited", status, message, retryAfterMs: retryAfterMs(e.headers) };
  if (status === 404) return { kind: "not_found", status, message };
  if (status === 401) {
    return {
      kind: "auth",
      status,
      message: `The agent endpoint rejected the app's credentials (401: ${message}). Check the token or key the server is configured with.`,
    };
  }
  if (status === 403) {
    return {
      kind: "auth",
      status,
      message: `The app's credentials are not allowed to do this (403: ${message}). Check the token's permissions or scopes.`,
    };
  }
  if (status === 408 || status === 409 || status >= 500) return { kind: "transient", status, message };
  return { kind: "bad_request", status, message };
}

/** The upstream's own words: `{error: {message}}` (OpenAI) and `{error_code, message}` (Databricks) both land in `error.message`. */
function upstreamMessage(e: ErrorLike, status: number | undefined): string {
  const bodyMessage = e.error && typeof e.error.message === "string" ? e.error.message : undefined;
  if (bodyMessage) return bodyMessage;
  const raw = typeof e.message === "string" && e.message ? e.message : "Unknown upstream error.";
  // The SDK prefixes the status ("503 status code (no body)"); keep it only when there is nothing else.
  return status !== undefined ? raw.replace(new RegExp(`^${status} `), "") || raw : raw;
}

/** `retry-after-ms` (OpenAI) wins over `Retry-After` (seconds or an HTTP date). */
function retryAfterMs(headers: ErrorLike["headers"]): number | undefined {
  if (!headers) return undefined;
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
