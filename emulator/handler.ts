// The HTTP-shaped front: routing on the path suffix (any base URL works), auth, and error envelopes. The
// workspace's own APIs (OAuth tokens, app lookup) answer for every flavour; the rest goes to the flavour's
// handler: the Responses API here, the agent servers in agent-server/ and agent-bricks/.

import { createAgentBricksHandler } from "./agent-bricks/handler";
import { createAgentServerHandler } from "./agent-server/handler";
import { APPS_PATH, appsApi } from "./apps";
import { checkAuth } from "./auth";
import { type ApiError, badRequest, errorResponse, invalidParameter, jsonResponse } from "./errors";
import {
  answerWithFaults,
  type FaultAnswers,
  FaultInjector,
  type FaultStats,
  isConnectionReset,
  type PreparedRequest,
} from "./faults";
import { TOKEN_PATH, TokenIssuer } from "./oauth";
import { eventStreamResponse } from "./sse";
import { ResponseStore, type StoredResponseView, timelineFor } from "./state";
import { STREAM_TICK_MS } from "./stream";
import { isResponsesFlavor, type ResolvedEmulatorOptions } from "./types";
import { validateCreate } from "./validate";

export interface EmulatorHandler {
  /** Answers one request; throws `TypeError: fetch failed` for an injected connection reset. */
  handle(request: Request): Promise<Response>;
  /** Requests seen and faults injected so far. */
  stats(): FaultStats;
  /** Every stored response as of now, oldest first (read-only). */
  inspect(): StoredResponseView[];
  /** Event streams being served right now: 0 once every client has finished or gone (no poll timers left). */
  openStreams(): number;
}

type Prepared = PreparedRequest;

const DEFAULT_MODEL = { databricks: "databricks-claude-sonnet-4-5", openai: "gpt-4.1" } as const;

const CANCEL_PATH = /\/responses\/([^/]+)\/cancel$/;
const RESPONSE_PATH = /\/responses\/([^/]+)$/;
const CREATE_PATH = /\/responses$/;

export function createHandler(options: ResolvedEmulatorOptions): EmulatorHandler {
  const issuer = options.servicePrincipal
    ? new TokenIssuer(options.servicePrincipal, options.now)
    : undefined;
  const flavour =
    options.flavor === "databricks-agent"
      ? createAgentServerHandler(options, issuer)
      : options.flavor === "agent-bricks"
        ? createAgentBricksHandler(options, issuer)
        : createResponsesHandler(options, issuer);
  return {
    ...flavour,
    handle: async (request) => {
      const path = new URL(request.url).pathname.replace(/\/+$/, "");
      if (issuer && TOKEN_PATH.test(path)) return issuer.handle(request);
      if (APPS_PATH.test(path)) return appsApi(request, options, issuer);
      return flavour.handle(request);
    },
  };
}

/** The Supervisor API and OpenAI's background Responses API. */
function createResponsesHandler(
  options: ResolvedEmulatorOptions,
  issuer: TokenIssuer | undefined,
): EmulatorHandler {
  const store = new ResponseStore(options);
  let openStreams = 0;
  // Frames are a scenario tick apart; looking more often finds nothing new, much less often lags a fast run.
  const pollMs = Math.min(50, Math.max(5, STREAM_TICK_MS * options.timeScale));
  const faults = new FaultInjector(options.faults, options.latency, options.seed);
  const flavor = options.flavor;
  if (!isResponsesFlavor(flavor)) throw new Error(`The Responses handler cannot serve "${flavor}".`);
  const defaultModel = DEFAULT_MODEL[flavor];
  const fail = (error: ApiError): Response => errorResponse(flavor, error);
  const methodNotAllowed = (method: string, allowed: string): Response =>
    fail({
      status: 405,
      kind: "method_not_allowed",
      message: `${method} is not allowed here; use ${allowed}.`,
    });
  const notFound = (id: string): Response => {
    const kept = Number.isFinite(options.retentionMs)
      ? ` Responses are kept for ${Math.round(options.retentionMs / 1000)} s after creation.`
      : "";
    return fail({ status: 404, kind: "not_found", message: `Response with id '${id}' not found.${kept}` });
  };

  async function create(request: Request): Promise<Prepared | Response> {
    let body: unknown;
    try {
      body = JSON.parse(await request.text());
    } catch {
      return fail(badRequest("The request body is not valid JSON."));
    }
    const validation = validateCreate(body, flavor);
    if (!validation.ok) return fail(validation.error);
    const { model, ...rest } = validation.request;
    return {
      op: "create",
      scenario: timelineFor(rest).scenario,
      streaming: rest.stream,
      run: (cut) => {
        const created = store.create({ ...rest, model: model ?? defaultModel });
        return rest.stream ? streamEvents(created.id, -1, request.signal, cut) : jsonResponse(200, created);
      },
    };
  }

  /** The SSE answer for a response created with `stream: true`, from the event after `startingAfter`. */
  function streamEvents(id: string, startingAfter: number, signal: AbortSignal, cut = false): Response {
    const first = store.eventsAfter(id, startingAfter);
    if (first === undefined) return notFound(id);
    if (first === "not-streamed") {
      return fail(
        badRequest(
          "This response was not created with 'stream': true; retrieve it without ?stream=true.",
          "stream",
        ),
      );
    }
    openStreams += 1;
    return eventStreamResponse(
      {
        after: (sequenceNumber) => {
          const batch = store.eventsAfter(id, sequenceNumber);
          return batch === "not-streamed" ? undefined : batch;
        },
      },
      {
        startingAfter,
        pollMs,
        signal,
        onClose: () => {
          openStreams -= 1;
        },
        // Two sends: the opening events, then at least one live one, so a resume has something to continue.
        cutAfterBatches: cut ? 2 : undefined,
        cutAfterMs: options.faults.streamCutMs,
      },
    );
  }

  /** Auth and routing only: a Response for a request that ends here, else the operation still to run. */
  async function route(request: Request): Promise<Prepared | Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "");
    const method = request.method.toUpperCase();
    const authError = checkAuth(request, options.token, issuer);
    if (authError) return fail(authError);

    const cancel = CANCEL_PATH.exec(path);
    if (cancel?.[1]) {
      if (method !== "POST") return methodNotAllowed(method, "POST to cancel a response");
      const id = decodeId(cancel[1]);
      return {
        op: "cancel",
        scenario: store.scenarioOf(id),
        run: () => {
          const response = store.cancel(id);
          return response ? jsonResponse(200, response) : notFound(id);
        },
      };
    }
    const retrieve = RESPONSE_PATH.exec(path);
    if (retrieve?.[1]) {
      if (method !== "GET") return methodNotAllowed(method, "GET to retrieve a response");
      const id = decodeId(retrieve[1]);
      if (url.searchParams.get("stream") === "true") {
        const startingAfter = parseStartingAfter(url.searchParams.get("starting_after"));
        if (startingAfter === undefined) {
          return fail(
            invalidParameter(
              "'starting_after' must be a whole number (a sequence_number).",
              "starting_after",
            ),
          );
        }
        return {
          op: "retrieve",
          scenario: store.scenarioOf(id),
          streaming: true,
          run: (cut) => streamEvents(id, startingAfter, request.signal, cut),
        };
      }
      return {
        op: "retrieve",
        scenario: store.scenarioOf(id),
        run: () => {
          const response = store.get(id);
          return response ? jsonResponse(200, response) : notFound(id);
        },
      };
    }
    if (CREATE_PATH.test(path)) {
      if (method !== "POST") return methodNotAllowed(method, "POST to create a response");
      return create(request);
    }
    return fail({
      status: 404,
      kind: "not_found",
      message: `No route for ${method} ${url.pathname}: the emulator serves POST …/responses, GET …/responses/{id} and POST …/responses/{id}/cancel.`,
    });
  }

  /** What the Supervisor API / OpenAI say for an injected fault, in their own envelopes. */
  const faultAnswers: FaultAnswers = {
    unavailable: () =>
      fail({
        status: 503,
        kind: "unavailable",
        message: "The service is temporarily unavailable (emulated fault). Please retry.",
      }),
    rateLimited: () =>
      fail({
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

  /** Latency first, then at most one fault; none of them changes a stored response (see `faults.ts`). */
  async function answer(request: Request): Promise<Response> {
    const prepared = await route(request);
    if (prepared instanceof Response) return prepared;
    return answerWithFaults(request, prepared, faults, faultAnswers);
  }

  return {
    handle: async (request) => {
      try {
        return await answer(request);
      } catch (error) {
        if (isConnectionReset(error)) throw error;
        const detail = error instanceof Error ? error.message : String(error);
        return fail({
          status: 500,
          kind: "internal",
          message: `The emulator failed unexpectedly: ${detail}`,
        });
      }
    },
    stats: () => faults.stats(),
    inspect: () => store.inspect(),
    openStreams: () => openStreams,
  };
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
