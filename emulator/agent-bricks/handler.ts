// The `agent-bricks` flavour's HTTP front: an agent app served by the Agent Bricks runtime (DurableAgentServer)
// behind the Databricks Apps proxy. Three routes (create, status, events), FastAPI's error bodies, the proxy's
// login redirect, and the emulator's faults, which never change what the runtime stored unless they say so.

import { checkAuth } from "../auth";
import {
  answerWithFaults,
  connectionResetError,
  type FaultAnswers,
  FaultInjector,
  isConnectionReset,
  type PreparedRequest,
} from "../faults";
import type { EmulatorHandler } from "../handler";
import type { TokenIssuer } from "../oauth";
import { seededRandom } from "../random";
import { STREAM_TICK_MS } from "../stream";
import type { ResolvedEmulatorOptions } from "../types";
import { authorizeUrl, LOGIN_PATH, loginPage } from "./login";
import { invocationStream } from "./sse";
import { API_ROOT, type Invocation, InvocationStore } from "./store";
import { type FieldError, parseAfter, parseUuid, sessionFromHeader, validateCreateBody } from "./validate";
import { detail, jsonAnswer } from "./wire";

/** A routed request that has not touched the store yet: faults are decided before `run`. */
interface Prepared extends PreparedRequest {
  /** What a `malformed` fault cuts in half instead of running (a create must not take effect). */
  standIn?: () => Response;
}

const CREATE_PATH = /\/api\/invocations$/;
const STATUS_PATH = /\/api\/invocations\/([^/]+)$/;
const EVENTS_PATH = /\/api\/invocations\/([^/]+)\/events$/;
const CANCEL_PATH = /\/api\/invocations\/([^/]+)\/cancel$/;

const LOST_ANSWER = "create:lost-answer";

export function createAgentBricksHandler(
  options: ResolvedEmulatorOptions,
  issuer: TokenIssuer | undefined,
): EmulatorHandler {
  const store = new InvocationStore(options);
  const faults = new FaultInjector(options.faults, options.latency, options.seed);
  const loseRandom = seededRandom(options.seed ^ 0x6c0551e5);
  const contract = options.agentBricks.sessionContract ?? "header";
  let lostAnswers = 0;
  let openStreams = 0;
  // Runs change every scenario tick; looking more often finds nothing new, much less often lags a fast run.
  const pollMs = Math.min(50, Math.max(5, STREAM_TICK_MS * options.timeScale));

  const notFound = (): Response => detail(404, "Not Found");
  const methodNotAllowed = (allow: string): Response => detail(405, "Method Not Allowed", { allow });
  const invalid = (errors: FieldError[]): Response => detail(422, errors);

  function stream(invocation: Invocation, after: number, signal: AbortSignal, cut = false): Response {
    openStreams += 1;
    return invocationStream(store, invocation, {
      after,
      pollMs,
      signal,
      cut,
      cutAfterMs: options.faults.streamCutMs,
      contract,
      onClose: () => {
        openStreams -= 1;
      },
    });
  }

  async function create(request: Request): Promise<Prepared | Response> {
    const text = await request.text();
    const errors: FieldError[] = [];
    let sessionId: string | null = null;
    let badHeader: string | undefined;
    if (contract === "header") {
      const header = sessionFromHeader(request.headers);
      if ("missing" in header) errors.push(header.missing);
      else if ("bad" in header) badHeader = header.bad;
      else sessionId = header.id;
    }
    const body = validateCreateBody(text, contract);
    if (!body.ok) errors.push(...body.errors);
    if (errors.length > 0 || !body.ok) return invalid(errors);
    // The runtime checks the header itself, once the request has passed validation.
    if (badHeader) return detail(422, badHeader);
    const { id, input, background, stream: streamed } = body.request;
    if (contract === "body") sessionId = body.request.sessionId ?? null;
    const accepted = (status: string) => ({
      id,
      status,
      status_url: `${API_ROOT}/${id}`,
      ...(streamed ? { events_url: `${API_ROOT}/${id}/events` } : {}),
    });
    return {
      op: "create",
      scenario: store.scenarioFor(id, input),
      streaming: streamed && !background,
      standIn: () => jsonAnswer(background ? 202 : 200, accepted("queued")),
      run: (cut) => {
        const result = store.accept({ id, input, sessionId, background, stream: streamed });
        if (result === "conflict") return detail(409, "id was already used for another request");
        const { invocation, created } = result;
        // The run is accepted; only its answer is lost on the way back.
        if (created && loseRandom() < (options.agentBricks.loseCreateAnswers ?? 0)) {
          lostAnswers += 1;
          throw connectionResetError();
        }
        if (background) return jsonAnswer(202, accepted(store.status(invocation)));
        if (streamed) return stream(invocation, 0, request.signal, cut);
        const { result: outcome } = invocation.plan;
        return outcome.status === "completed"
          ? jsonAnswer(200, { id, status: "completed", output: outcome.response })
          : detail(500, "agent invocation failed");
      },
    };
  }

  /** The path's invocation id, or the 422 listing it (with `extra`, the query's errors). */
  function pathId(raw: string, extra: FieldError[] = []): string | Response {
    const id = parseUuid(decodeId(raw), ["path", "invocation_id"]);
    const errors = typeof id === "string" ? extra : [id, ...extra];
    return errors.length > 0 || typeof id !== "string" ? invalid(errors) : id;
  }

  async function route(request: Request): Promise<Prepared | Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "");
    const method = request.method.toUpperCase();
    // The workspace's login page is not behind the app's proxy.
    if (LOGIN_PATH.test(path)) return loginPage();
    // The Apps proxy sends anyone without a valid token to sign in; the app never sees the request.
    if (checkAuth(request, options.token, issuer)) {
      return new Response(null, { status: 302, headers: { location: authorizeUrl(url) } });
    }
    const cancel = CANCEL_PATH.exec(path);
    if (cancel) {
      // There is no cancel route; a client trying one still counts as a cancel for faults.
      if (method !== "POST") return notFound();
      return { op: "cancel", run: notFound };
    }
    const events = EVENTS_PATH.exec(path);
    if (events?.[1]) {
      if (method !== "GET") return methodNotAllowed("GET");
      const after = parseAfter(url.searchParams.get("after"));
      const id = pathId(events[1], typeof after === "number" ? [] : [after]);
      if (id instanceof Response) return id;
      if (typeof after !== "number") return invalid([after]);
      const invocation = store.find(id);
      return {
        op: "retrieve",
        scenario: invocation?.plan.scenario,
        streaming: true,
        run: (cut) =>
          invocation ? stream(invocation, after, request.signal, cut) : detail(404, "invocation not found"),
      };
    }
    const status = STATUS_PATH.exec(path);
    if (status?.[1]) {
      if (method === "DELETE") return { op: "cancel", run: () => methodNotAllowed("GET") };
      if (method !== "GET") return methodNotAllowed("GET");
      const id = pathId(status[1]);
      if (id instanceof Response) return id;
      const invocation = store.find(id);
      return {
        op: "retrieve",
        scenario: invocation?.plan.scenario,
        run: () =>
          invocation ? jsonAnswer(200, statusAnswer(invocation)) : detail(404, "invocation not found"),
      };
    }
    if (CREATE_PATH.test(path)) {
      if (method !== "POST") return methodNotAllowed("POST");
      return create(request);
    }
    return notFound();
  }

  function statusAnswer(invocation: Invocation) {
    const status = store.status(invocation);
    const { result } = invocation.plan;
    return {
      id: invocation.id,
      status,
      ...(status === "completed" && result.status === "completed" ? { output: result.response } : {}),
      ...(status === "failed" ? { error: "agent invocation failed" } : {}),
    };
  }

  const faultAnswers: FaultAnswers = {
    unavailable: () => detail(503, "Service Unavailable (emulated fault). Please retry."),
    rateLimited: () => detail(429, "Too Many Requests (emulated fault)."),
    standIn: (prepared) => (prepared as Prepared).standIn?.(),
  };

  /** Latency first, then at most one fault (see `faults.ts`). */
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
        return new Response("Internal Server Error", {
          status: 500,
          headers: { "content-type": "text/plain" },
        });
      }
    },
    stats: () => {
      const stats = faults.stats();
      if (lostAnswers > 0) stats.injected[LOST_ANSWER] = lostAnswers;
      return stats;
    },
    inspect: () => store.inspect(),
    openStreams: () => openStreams,
  };
}

/** A malformed escape is just an id that is not a UUID, not a server error. */
function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
