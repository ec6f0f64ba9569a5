import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";
import zlib from "node:zlib";

/** Statuses whose response has no body, which `new Response()` refuses one for. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * How long an unused connection is kept for the next call, as Node's fetch does (4 s; shorter when the server's
 * `Keep-Alive: timeout` hint says so): a run's retrieves every 2 s reuse one, and a connection is not kept until
 * the server is about to close it (a call sent on a closing connection fails with a reset).
 */
const KEEP_ALIVE_IDLE_MS = 4_000;

type Agents = { "http:": http.Agent; "https:": https.Agent };
const agentsByIdle = new Map<number, Agents>();

function agentsFor(idleMs: number): Agents {
  let agents = agentsByIdle.get(idleMs);
  if (!agents) {
    // `timeout` closes free connections only: a call under way (a long answer, an event stream) is not cut.
    const options = { keepAlive: true, timeout: idleMs };
    agents = { "http:": new http.Agent(options), "https:": new https.Agent(options) };
    agentsByIdle.set(idleMs, agents);
  }
  return agents;
}

type Body = string | Uint8Array | undefined;

/**
 * `fetch` for the upstream calls, on Node's own HTTP client: the openai SDK takes any fetch, and it makes every
 * call (create, a retrieve every 2 s per run, cancel) through this one. Node 20's built-in fetch (undici)
 * builds a web Request, a fetch controller, timing records and a web stream per call, parses with a WASM
 * llhttp and runs ~100 promises: with 1,000 runs in flight it was ~38 % of the server's busy time and most of
 * its garbage (bench/, "concurrency"). Node's client parses in C++ and answers with a Node stream.
 *
 * Covers what the SDK and the Databricks token exchange send: string, byte and form bodies, any method, a
 * signal (aborting it rejects with an `AbortError`, as fetch does). Bodies it does not cover (a web stream,
 * FormData, Blob) go to `fallback`. Redirects are returned, not followed (API calls are not redirected; a
 * fetch would follow them). Compressed answers are decoded, though none is asked for.
 */
export function createHttpFetch(fallback: typeof fetch, idleMs = KEEP_ALIVE_IDLE_MS): typeof fetch {
  const agents = agentsFor(idleMs);
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body = bodyBytes(init.body);
    const agent = agents[url.protocol as keyof typeof agents];
    if (input instanceof Request || body === null || !agent) return fallback(input, init);
    const headers = headerRecord(init.headers);
    if (init.body instanceof URLSearchParams && !headers["content-type"])
      headers["content-type"] = "application/x-www-form-urlencoded;charset=UTF-8";
    const client = url.protocol === "https:" ? https : http;

    return new Promise<Response>((resolve, reject) => {
      const request = client.request(url, {
        method: init.method ?? "GET",
        headers,
        agent,
        ...(init.signal ? { signal: init.signal } : {}),
      });
      // `on`, not `once`: an error after the answer began must not go unhandled (it reaches the body as well).
      request.on("error", (error) => reject(fetchError(error, init.signal)));
      request.once("response", (response) => {
        const status = response.statusCode ?? 502;
        const responseHeaders = new Headers();
        const raw = response.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2)
          responseHeaders.append(raw[i] as string, raw[i + 1] as string);
        if (NULL_BODY_STATUSES.has(status) || request.method === "HEAD") {
          response.resume();
          resolve(
            new Response(null, { status, statusText: response.statusMessage, headers: responseHeaders }),
          );
          return;
        }
        const decoded = decode(response, responseHeaders);
        const responseInit = { status, statusText: response.statusMessage, headers: responseHeaders };
        if (!isJson(responseHeaders)) {
          resolve(new Response(Readable.toWeb(decoded) as ReadableStream<Uint8Array>, responseInit));
          return;
        }
        // A JSON answer (a retrieve, a create) is read whole here and handed over as bytes: a web stream per
        // call, read back through undici, was most of what the answer cost the process.
        const chunks: Buffer[] = [];
        decoded.on("data", (chunk: Buffer) => chunks.push(chunk));
        decoded.once("error", (error) => reject(fetchError(error, init.signal)));
        decoded.once("end", () => resolve(new JsonResponse(Buffer.concat(chunks), responseInit)));
      });
      request.end(body);
    });
  };
}

function isJson(headers: Headers): boolean {
  const mediaType = headers.get("content-type")?.split(";")[0]?.trim().toLowerCase() ?? "";
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

/**
 * A response whose body is already here: `text()` and `json()` answer from the bytes; a web stream is made only
 * if someone asks for `body` (the readers then read that stream). Its body can be read once, as any response's.
 */
class JsonResponse extends Response {
  readonly #bytes: Buffer;
  readonly #init: ResponseInit;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #used = false;

  constructor(bytes: Buffer, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
    this.#init = init;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.#stream ??=
      new Response(this.#used ? null : new Uint8Array(this.#bytes)).body ?? new ReadableStream();
    return this.#stream;
  }

  override get bodyUsed(): boolean {
    return this.#used || this.#stream?.locked === true;
  }

  override async text(): Promise<string> {
    return this.#stream ? new Response(this.#stream).text() : this.#take().toString("utf8");
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#stream ? new Response(this.#stream).bytes() : new Uint8Array(this.#take());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }

  override async blob(): Promise<Blob> {
    return new Blob([await this.bytes()], { type: this.headers.get("content-type") ?? "" });
  }

  override clone(): Response {
    if (this.bodyUsed) throw new TypeError("Response.clone: Body has already been consumed.");
    if (!this.#stream) return new JsonResponse(this.#bytes, this.#init);
    const [mine, theirs] = this.#stream.tee();
    this.#stream = mine;
    return new Response(theirs, this.#init);
  }

  #take(): Buffer {
    if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    return this.#bytes;
  }
}

/** The body as bytes or text; null when it is a kind this fetch leaves to the fallback. */
function bodyBytes(body: RequestInit["body"]): Body | null {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return null;
}

function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (!init) return record;
  const headers = init instanceof Headers ? init : new Headers(init);
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

/** The body stream, decompressed when the server compressed it anyway. */
function decode(response: http.IncomingMessage, headers: Headers): Readable {
  const encoding = headers.get("content-encoding")?.trim().toLowerCase();
  const decoder =
    encoding === "gzip" || encoding === "x-gzip"
      ? zlib.createGunzip()
      : encoding === "deflate"
        ? zlib.createInflate()
        : encoding === "br"
          ? zlib.createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  headers.delete("content-encoding");
  headers.delete("content-length");
  response.on("error", (error) => decoder.destroy(error));
  return response.pipe(decoder);
}

/** What fetch rejects with: the signal's reason when it was aborted, else a TypeError with the cause. */
function fetchError(error: Error, signal: AbortSignal | null | undefined): unknown {
  if (signal?.aborted) return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
  return new TypeError("fetch failed", { cause: error });
}
