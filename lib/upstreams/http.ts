/**
 * HTTP for the agent-server adapters (LongRunningAgentServer, Agent Bricks): JSON calls and event streams on the
 * same upstream fetch the `openai` SDK gets (Node's HTTP client with the app's bearer), and their failures as
 * errors shaped like the SDK's (`status`, `error.message`, `headers`), so the engine classifies them alike.
 */

/** Where an agent server is, and how the app reaches it: what each agent-server adapter is made from. */
export interface AgentEndpoint {
  /** The agent app's base URL (looked up once when it is given by app name). */
  baseUrl: () => Promise<string>;
  /** The upstream fetch, with the app's (or the signed-in user's) bearer. */
  fetch: typeof fetch;
  /** Follow runs through their event stream (text as it is written) rather than by polling. */
  streaming: boolean;
}

/** An upstream answer that was not a success, shaped like the `openai` SDK's APIError. */
export class UpstreamHttpError extends Error {
  readonly error: { message: string };

  constructor(
    readonly status: number,
    message: string,
    readonly headers: Headers = new Headers(),
  ) {
    super(`${status} ${message}`);
    this.name = "UpstreamHttpError";
    this.error = { message };
  }
}

/** Bodies refused by FastAPI (`{detail}`, a string or a list of field errors), Databricks and OpenAI alike. */
export function errorMessageOf(body: unknown, status: number): string {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  const detail = b.detail;
  if (typeof detail === "string" && detail) return detail;
  if (Array.isArray(detail) && detail.length > 0) {
    return detail
      .map((entry) => {
        const e = (entry ?? {}) as { loc?: unknown; msg?: unknown };
        const where = Array.isArray(e.loc) ? e.loc.join(".") : "";
        return `${where ? `${where}: ` : ""}${typeof e.msg === "string" ? e.msg : "invalid"}`;
      })
      .join("; ");
  }
  const error = b.error;
  if (typeof error === "string" && error) return error;
  if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string")
    return (error as { message: string }).message;
  if (typeof b.message === "string" && b.message) return b.message;
  return `HTTP ${status} with no message`;
}

/**
 * Databricks Apps answer a request whose token they do not accept (none, an expired one, a personal access
 * token) with a redirect to the workspace's sign-in page rather than a 401. Made a 401 here, so an OAuth token
 * is fetched again once (see `withBearer`) and a refusal says what to do.
 */
export function redirectsAsUnauthorized(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await base(input, init);
    if (response.status < 300 || response.status >= 400) return response;
    await response.body?.cancel().catch(() => undefined);
    return Response.json(
      {
        detail:
          "the Databricks App sent the request to its sign-in page, so it did not accept the app's credentials. " +
          "Databricks Apps take OAuth tokens only: a service principal's OAuth M2M credentials " +
          "(DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET) or a user's OAuth token, never a personal access " +
          "token; the principal also needs CAN USE on the agent's app",
      },
      { status: 401 },
    );
  };
}

export interface JsonCall {
  method: "GET" | "POST";
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Give up after this long (an UpstreamHttpError-free timeout: the engine counts it as transient). */
  timeoutMs: number;
}

/** A JSON call: the parsed answer of a 2xx, else an UpstreamHttpError with the upstream's own words. */
export async function callJson(
  fetch: typeof globalThis.fetch,
  url: string,
  call: JsonCall,
): Promise<unknown> {
  const response = await send(fetch, url, { ...call, accept: "application/json" });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    if (response.ok) throw new UpstreamHttpError(502, `the agent answered with something that is not JSON`);
  }
  if (!response.ok)
    throw new UpstreamHttpError(response.status, errorMessageOf(parsed, response.status), response.headers);
  return parsed;
}

/** A call whose answer is read as it comes (an event stream); refused answers throw as in `callJson`. */
export async function openStream(
  fetch: typeof globalThis.fetch,
  url: string,
  call: JsonCall,
): Promise<Response> {
  const response = await send(fetch, url, { ...call, accept: "text/event-stream" });
  if (!response.ok) {
    const text = await response.text().catch(() => "");
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    throw new UpstreamHttpError(response.status, errorMessageOf(parsed, response.status), response.headers);
  }
  return response;
}

async function send(
  fetch: typeof globalThis.fetch,
  url: string,
  call: JsonCall & { accept: string },
): Promise<Response> {
  // The timeout bounds the answer's arrival, not a stream's whole life: it is cleared once headers are in.
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(new TimeoutError(call.timeoutMs)), call.timeoutMs);
  const signal = call.signal ? AbortSignal.any([call.signal, timeout.signal]) : timeout.signal;
  try {
    return await fetch(url, {
      method: call.method,
      headers: {
        accept: call.accept,
        ...(call.body !== undefined ? { "content-type": "application/json" } : {}),
        ...call.headers,
      },
      ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
      signal,
    });
  } catch (err) {
    if (timeout.signal.aborted && !call.signal?.aborted) throw timeout.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** No answer in time: transient to the engine (no status), with a message that says so. */
export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`the agent did not answer within ${Math.round(ms / 1000)} s`);
    this.name = "TimeoutError";
  }
}
