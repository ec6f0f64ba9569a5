// The `databricks-agent` flavour's HTTP front: a Databricks agent app served by LongRunningAgentServer, behind
// the Databricks Apps proxy. Routing looks at the path suffix, so any base URL works.

import { checkAuth } from "../auth";
import { jsonResponse } from "../errors";
import { FaultInjector, isConnectionReset } from "../faults";
import type { EmulatorHandler } from "../handler";
import type { TokenIssuer } from "../oauth";
import { type EventLogReader, eventStreamResponse } from "../sse";
import { timelineFor } from "../state";
import { STREAM_TICK_MS, type StreamEvent } from "../stream";
import type { ResolvedEmulatorOptions } from "../types";
import { answerWithFaults, type Prepared } from "./faulted";
import { foregroundEvents, foregroundReader, invokeAnswer } from "./foreground";
import { parseRetrieveQuery } from "./query";
import { parseCreate } from "./request";
import type { AgentRun } from "./run";
import { AgentRunStore } from "./store";
import {
  AUTHORIZE_PATH,
  DONE_TRAILER,
  detail,
  foregroundFrame,
  loginPage,
  loginRedirect,
  methodNotAllowed,
  notFound,
  storedFrame,
} from "./wire";

const CANCEL_PATH = /\/responses\/([^/]+)\/cancel$/;
const RESPONSE_PATH = /\/responses\/([^/]+)$/;
const CREATE_PATH = /\/(?:responses|invocations)$/;
const HEALTH_PATH = /\/health$/;
const INFO_PATH = /\/agent\/info$/;

export function createAgentServerHandler(
  options: ResolvedEmulatorOptions,
  issuer: TokenIssuer | undefined,
): EmulatorHandler {
  const store = new AgentRunStore(options);
  const faults = new FaultInjector(options.faults, options.latency, options.seed);
  const lakebase = options.agentServer.lakebase ?? true;
  // Rows appear a scenario tick apart; looking more often finds nothing new, much less often lags a fast run.
  const pollMs = Math.min(50, Math.max(5, STREAM_TICK_MS * options.timeScale));
  let openStreams = 0;

  function serveStream(
    reader: EventLogReader,
    how: {
      startingAfter: number;
      format: (event: StreamEvent) => string;
      signal: AbortSignal;
      cut?: boolean;
    },
  ): Response {
    openStreams += 1;
    return eventStreamResponse(reader, {
      startingAfter: how.startingAfter,
      format: how.format,
      pollMs,
      signal: how.signal,
      onClose: () => {
        openStreams -= 1;
      },
      // Two writes: the opening rows, then at least one more, so a resume has something to continue from.
      cutAfterBatches: how.cut ? 2 : undefined,
      cutAfterMs: options.faults.streamCutMs,
    });
  }

  /** A run's rows after `startingAfter`, tailed until the run is over; 0 replays from row 0 (the server's quirk). */
  function storedStream(run: AgentRun, startingAfter: number, signal: AbortSignal, cut?: boolean): Response {
    const reader: EventLogReader = {
      after: (sequenceNumber) => {
        if (!store.find(run.id)) return undefined;
        const log = run.catchUp(options.now());
        return {
          events: log.events.slice(sequenceNumber + 1),
          ended: log.ended,
          // A failed run's stream ends after its error row, without [DONE].
          ...(log.status === "completed" ? { trailer: DONE_TRAILER } : {}),
        };
      },
    };
    const from = startingAfter === 0 ? -1 : startingAfter;
    return serveStream(reader, { startingAfter: from, format: storedFrame(run.id), signal, cut });
  }

  async function create(request: Request): Promise<Prepared | Response> {
    const parsed = parseCreate(await request.text());
    if (!parsed.ok) return detail(400, parsed.detail);
    const body = parsed.request;
    // The agent ignores the request's tools: it never calls the app's own functions.
    const timeline = timelineFor({ items: body.items, tools: [] });
    // Without a database `background` is ignored and the request is answered in the foreground.
    const background = body.background && lakebase;
    return {
      op: "create",
      scenario: timeline.scenario,
      streaming: body.stream,
      run: (cut) => {
        if (!background) {
          if (!body.stream) return invokeAnswer(timeline);
          const events = foregroundEvents(timeline, options.now());
          return serveStream(foregroundReader(events), {
            startingAfter: -1,
            format: foregroundFrame,
            signal: request.signal,
            cut,
          });
        }
        const run = store.create({
          items: body.items,
          model: body.model,
          timeline,
          writes: body.stream ? "stream" : "invoke",
          conversationId: body.conversationId,
        });
        // The answer to a streaming create is the run's own stream: its id is only inside the frames.
        if (body.stream) return storedStream(run, 0, request.signal, cut);
        return jsonResponse(200, {
          id: run.id,
          object: "response",
          created_at: Math.floor(run.createdAtMs / 1000),
          status: "in_progress",
          error: null,
          incomplete_details: null,
          output: [],
          metadata: {},
        });
      },
    };
  }

  function retrieve(request: Request, url: URL, id: string): Prepared | Response {
    const query = parseRetrieveQuery(url.searchParams);
    if (query instanceof Response) return query;
    if (!lakebase) return detail(501, "Response retrieval requires a database configuration.");
    if (query.startingAfter !== 0 && !query.stream)
      return detail(400, "starting_after is only supported when stream=true.");
    return {
      op: "retrieve",
      scenario: store.scenarioOf(id),
      streaming: query.stream,
      run: (cut) => {
        const run = store.find(id);
        if (!run) return detail(404, "Response not found");
        if (query.stream) return storedStream(run, query.startingAfter, request.signal, cut);
        return jsonResponse(200, run.retrieve(options.now()));
      },
    };
  }

  /** The Apps proxy's auth, then routing: a Response for a request that ends here, else the operation to run. */
  async function route(request: Request): Promise<Prepared | Response> {
    const url = new URL(request.url);
    const path = url.pathname.replace(/\/+$/, "");
    const method = request.method.toUpperCase();
    if (AUTHORIZE_PATH.test(path)) return loginPage();
    if (checkAuth(request, options.token, issuer)) return loginRedirect(request);

    const cancel = CANCEL_PATH.exec(path);
    if (cancel?.[1]) {
      if (method !== "POST") return methodNotAllowed();
      const id = decodeId(cancel[1]);
      // Nothing can stop a run: the route answers so whatever the id, and the run goes on.
      return {
        op: "cancel",
        scenario: store.scenarioOf(id),
        run: () => detail(501, "Cancellation is not yet implemented."),
      };
    }
    const retrieved = RESPONSE_PATH.exec(path);
    if (retrieved?.[1]) {
      if (method !== "GET") return methodNotAllowed();
      return retrieve(request, url, decodeId(retrieved[1]));
    }
    if (CREATE_PATH.test(path)) {
      if (method !== "POST") return methodNotAllowed();
      return create(request);
    }
    if (HEALTH_PATH.test(path) && method === "GET") return jsonResponse(200, { status: "healthy" });
    if (INFO_PATH.test(path) && method === "GET") {
      return jsonResponse(200, {
        name: options.apps[0] ?? "agent",
        use_case: "agent",
        agent_api: "responses",
      });
    }
    return notFound();
  }

  return {
    handle: async (request) => {
      try {
        const prepared = await route(request);
        return prepared instanceof Response ? prepared : await answerWithFaults(request, prepared, faults);
      } catch (error) {
        if (isConnectionReset(error)) throw error;
        // What Starlette answers for an exception nothing handled.
        return new Response("Internal Server Error", {
          status: 500,
          headers: { "content-type": "text/plain" },
        });
      }
    },
    stats: () => faults.stats(),
    inspect: () => store.inspect(),
    openStreams: () => openStreams,
  };
}

/** A malformed escape is just an id that does not exist, not a server error. */
function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
