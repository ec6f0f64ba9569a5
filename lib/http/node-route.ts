import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { errorResponse } from "./errors";
import { type Method, methodNotAllowed } from "./methods";

/** A route handler on web `Request`/`Response`, as under `app/`; `params` are the dynamic segments. */
export type WebHandler<P> = (
  request: Request,
  context: { params: Promise<P> },
) => Promise<Response> | Response;

/** What a Pages API route gets: Node's request (with the dynamic segments in `query`) and response. */
type NodeRequest = IncomingMessage & { query?: Record<string, string | string[] | undefined> };

/**
 * Serve web-standard route handlers from a Pages API route (`pages/api/…`), for the routes that hold a run's
 * event stream open for minutes.
 *
 * Why not `app/`: an App Router route handler's response is piped by Next, whose request handling stays
 * suspended until the body ends, and those suspended frames keep the request's whole context alive (measured
 * with `next start`: ~81 KB of live heap per open event stream, against ~34 KB here). A Pages API route declared
 * `externalResolver` lets Next finish with the request at once: the stream then holds only the socket and what
 * the run needs. With 1,000 runs in flight that is ~45 MB.
 *
 * The returned function resolves once the handler answered; the body goes on streaming after it.
 *
 * The handlers stay on `Request`/`Response` (unit-tested as such, as the app routes are): the request's body is
 * the Node stream, its `signal` aborts when the browser goes away before the response ended, and the response
 * body is written chunk by chunk with back-pressure, each chunk flushed at once.
 */
export function nodeRoute<P = Record<string, never>>(handlers: Partial<Record<Method, WebHandler<P>>>) {
  const allowed = Object.keys(handlers) as Method[];
  return async (req: NodeRequest, res: ServerResponse): Promise<void> => {
    const handler = handlers[req.method as Method];
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort();
    };
    res.once("close", onClose);
    let response: Response;
    try {
      response = handler
        ? await handler(webRequest(req, gone.signal), { params: Promise.resolve({ ...req.query } as P) })
        : methodNotAllowed(allowed);
    } catch (error) {
      // The handlers answer their own errors (`route`); this is a last resort, in the same shape.
      response = errorResponse(error, `${req.method} ${req.url?.split("?")[0]}`);
    }
    // Not awaited: Next's request handling waits for this function, and must be done with the request while the
    // body streams on (that is the point of `externalResolver`).
    void sendWebResponse(res, response).finally(() => res.off("close", onClose));
  };
}

function webRequest(req: NodeRequest, signal: AbortSignal): Request {
  // From `headers`, not `rawHeaders`: Next writes the proxy's request-header changes (the session cookie it
  // just issued) into `req.headers` only.
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2 pseudo-headers are not headers a web Request may carry.
    if (name.startsWith(":") || value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

/** Write a web `Response` to Node's response: status, headers, then the body as it comes. */
async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") res.setHeader(name, value);
  }
  for (const cookie of response.headers.getSetCookie()) res.appendHeader("set-cookie", cookie);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  // The browser went away: the body's `cancel` runs (a run stream stores what it showed, polling ends).
  const cancel = () => void reader.cancel().catch(() => undefined);
  res.once("close", cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || res.destroyed) break;
      if (!res.write(value)) await drained(res);
      // Behind Next's compression a write can sit in a gzip buffer: an event must reach the browser now.
      (res as ServerResponse & { flush?: () => void }).flush?.();
    }
  } catch (error) {
    console.error("response body:", error instanceof Error ? error.message : error);
  } finally {
    res.off("close", cancel);
  }
  if (!res.destroyed) res.end();
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}
