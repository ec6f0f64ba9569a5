// The Supervisor API and OpenAI's background Responses API: create, retrieve (polled or as an event stream from
// a sequence number), cancel, each behind the same auth, latency and faults.

import { checkAuth } from "./auth";
import { type ApiError, badRequest, errorResponse, invalidParameter, jsonResponse } from "./errors";
import {
  answerWithFaults,
  type FaultAnswers,
  FaultInjector,
  isConnectionReset,
  type PreparedRequest,
} from "./faults";
import type { EmulatorHandler } from "./handler";
import type { TokenIssuer } from "./oauth";
import { eventStreamResponse } from "./sse";
import { ResponseStore, timelineFor } from "./state";
import { STREAM_TICK_MS } from "./stream";
import { isResponsesFlavor, type ResolvedEmulatorOptions } from "./types";
import { validateCreate } from "./validate";

const DEFAULT_MODEL = { databricks: "databricks-claude-sonnet-4-5", openai: "gpt-4.1" } as const;

type ResponsesFlavor = keyof typeof DEFAULT_MODEL;

const CANCEL_PATH = /\/responses\/([^/]+)\/cancel$/;
const RESPONSE_PATH = /\/responses\/([^/]+)$/;
const CREATE_PATH = /\/responses$/;

export function createResponsesHandler(
  options: ResolvedEmulatorOptions,
  issuer: TokenIssuer | undefined,
): EmulatorHandler {
  const api = new ResponsesApi(options, issuer);
  return {
    handle: (request) => api.handle(request),
    stats: () => api.faults.stats(),
    inspect: () => api.store.inspect(),
    openStreams: () => api.openStreams,
    webhookDeliveries: () => api.store.webhooks?.deliveries ?? [],
  };
}

class ResponsesApi {
  readonly store: ResponseStore;
  readonly faults: FaultInjector;
  openStreams = 0;
  private readonly flavor: ResponsesFlavor;
  /** Frames are a scenario tick apart; looking more often finds nothing new, much less often lags a fast run. */
  private readonly pollMs: number;

  constructor(
    private readonly options: ResolvedEmulatorOptions,
    private readonly issuer: TokenIssuer | undefined,
  ) {
    const flavor = options.flavor;
    if (!isResponsesFlavor(flavor)) throw new Error(`The Responses handler cannot serve "${flavor}".`);
    this.flavor = flavor;
    this.store = new ResponseStore(options);
    this.faults = new FaultInjector(options.faults, options.latency, options.seed);
    this.pollMs = Math.min(50, Math.max(5, STREAM_TICK_MS * options.timeScale));
  }

  async handle(request: Request): Promise<Response> {
    try {
      // Latency first, then at most one fault; none of them changes a stored response (see `faults.ts`).
      const prepared = await this.route(request);
      if (prepared instanceof Response) return prepared;
      return await answerWithFaults(request, prepared, this.faults, this.faultAnswers);
    } catch (error) {
      if (isConnectionReset(error)) throw error;
      const detail = error instanceof Error ? error.message : String(error);
      return this.fail({
        status: 500,
        kind: "internal",
        message: `The emulator failed unexpectedly: ${detail}`,
      });
    }
  }

  /** Auth and routing only: a Response for a request that ends here, else the operation still to run. */
  private async route(request: Request): Promise<PreparedRequest | Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "");
    const method = request.method.toUpperCase();
    const authError = checkAuth(request, this.options.token, this.issuer);
    if (authError) return this.fail(authError);

    const cancel = CANCEL_PATH.exec(path);
    if (cancel?.[1]) {
      if (method !== "POST") return this.methodNotAllowed(method, "POST to cancel a response");
      const id = decodeId(cancel[1]);
      return {
        op: "cancel",
        scenario: this.store.scenarioOf(id),
        run: () => {
          const response = this.store.cancel(id);
          return response ? jsonResponse(200, response) : this.notFound(id);
        },
      };
    }
    const retrieve = RESPONSE_PATH.exec(path);
    if (retrieve?.[1]) {
      if (method !== "GET") return this.methodNotAllowed(method, "GET to retrieve a response");
      return this.retrieve(decodeId(retrieve[1]), url, request.signal);
    }
    if (CREATE_PATH.test(path)) {
      if (method !== "POST") return this.methodNotAllowed(method, "POST to create a response");
      return this.create(request);
    }
    return this.fail({
      status: 404,
      kind: "not_found",
      message: `No route for ${method} ${url.pathname}: the emulator serves POST …/responses, GET …/responses/{id} and POST …/responses/{id}/cancel.`,
    });
  }

  private async create(request: Request): Promise<PreparedRequest | Response> {
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return this.fail(badRequest("The request body is not valid JSON."));
    }
    const validation = validateCreate(body, this.flavor);
    if (!validation.ok) return this.fail(validation.error);
    const { model, ...rest } = validation.request;
    return {
      op: "create",
      scenario: timelineFor(rest).scenario,
      streaming: rest.stream,
      run: (cut) => {
        const created = this.store.create({ ...rest, model: model ?? DEFAULT_MODEL[this.flavor] });
        return rest.stream
          ? this.streamEvents(created.id, -1, request.signal, cut)
          : jsonResponse(200, created);
      },
    };
  }

  /** GET a response: as it is now, or (`?stream=true`) its events after `starting_after`. */
  private retrieve(id: string, url: URL, signal: AbortSignal): PreparedRequest | Response {
    if (url.searchParams.get("stream") !== "true") {
      return {
        op: "retrieve",
        scenario: this.store.scenarioOf(id),
        run: () => {
          const response = this.store.get(id);
          return response ? jsonResponse(200, response) : this.notFound(id);
        },
      };
    }
    const startingAfter = parseStartingAfter(url.searchParams.get("starting_after"));
    if (startingAfter === undefined) {
      return this.fail(
        invalidParameter("'starting_after' must be a whole number (a sequence_number).", "starting_after"),
      );
    }
    return {
      op: "retrieve",
      scenario: this.store.scenarioOf(id),
      streaming: true,
      run: (cut) => this.streamEvents(id, startingAfter, signal, cut),
    };
  }

  /** The SSE answer for a response created with `stream: true`, from the event after `startingAfter`. */
  private streamEvents(id: string, startingAfter: number, signal: AbortSignal, cut = false): Response {
    const first = this.store.eventsAfter(id, startingAfter);
    if (first === undefined) return this.notFound(id);
    if (first === "not-streamed") {
      return this.fail(
        badRequest(
          "This response was not created with 'stream': true; retrieve it without ?stream=true.",
          "stream",
        ),
      );
    }
    this.openStreams += 1;
    return eventStreamResponse(
      {
        after: (sequenceNumber) => {
          const batch = this.store.eventsAfter(id, sequenceNumber);
          return batch === "not-streamed" ? undefined : batch;
        },
      },
      {
        startingAfter,
        pollMs: this.pollMs,
        signal,
        onClose: () => {
          this.openStreams -= 1;
        },
        // Two sends: the opening events, then at least one live one, so a resume has something to continue.
        cutAfterBatches: cut ? 2 : undefined,
        cutAfterMs: this.options.faults.streamCutMs,
      },
    );
  }

  /** What the Supervisor API / OpenAI say for an injected fault, in their own envelopes. */
  private readonly faultAnswers: FaultAnswers = {
    unavailable: () =>
      this.fail({
        status: 503,
        kind: "unavailable",
        message: "The service is temporarily unavailable (emulated fault). Please retry.",
      }),
    rateLimited: () =>
      this.fail({
        status: 429,
        kind: "rate_limited",
        message: "Too many requests (emulated fault). Retry after the time in the Retry-After header.",
      }),
    // A retrieve is read-only, so its real answer can be cut; create and cancel must not take effect.
    standIn: (prepared) =>
      prepared.op === "retrieve"
        ? undefined
        : jsonResponse(200, {
            id: "resp_emulated_malformed",
            object: "response",
            status: "queued",
            output: [],
          }),
  };

  private fail(error: ApiError): Response {
    return errorResponse(this.flavor, error);
  }

  private methodNotAllowed(method: string, allowed: string): Response {
    return this.fail({
      status: 405,
      kind: "method_not_allowed",
      message: `${method} is not allowed here; use ${allowed}.`,
    });
  }

  private notFound(id: string): Response {
    const kept = Number.isFinite(this.options.retentionMs)
      ? ` Responses are kept for ${Math.round(this.options.retentionMs / 1000)} s after creation.`
      : "";
    return this.fail({
      status: 404,
      kind: "not_found",
      message: `Response with id '${id}' not found.${kept}`,
    });
  }
}

/** `starting_after` of a stream resume: absent means from the first event; else a whole number ≥ -1. */
function parseStartingAfter(raw: string | null): number | undefined {
  if (raw === null || raw === "") return -1;
  const value = Number(raw);
  return Number.isInteger(value) && value >= -1 ? value : undefined;
}

/** A malformed escape is just an id that does not exist, not a server error. */
function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
