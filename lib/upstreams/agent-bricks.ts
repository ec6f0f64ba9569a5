import { randomUUID } from "node:crypto";
import type {
  BackgroundClient,
  CreateOptions,
  StreamingClient,
  UpstreamEventStream,
  UpstreamStreamEvent,
} from "@/lib/background";
import { processState } from "@/lib/process-state";
import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import { AgentBricksTranslator, fromBricksStatus, fromStatusAnswer } from "./agent-bricks-events";
import { toBricksInput } from "./agent-bricks-input";
import { type AgentEndpoint, callJson, openStream, UpstreamHttpError } from "./http";
import { serverSentEvents } from "./sse";

/** The runtime itself has no time limit; the app stops following a run after this long (plus a margin). */
const RUN_LIMIT_MS = 60 * 60_000;
const CALL_TIMEOUT_MS = 30_000;

/**
 * How the session goes with a create. Versions of the runtime differ: a required `X-Databricks-Session-Id`
 * header (a body field is refused with a 422), or an optional `session_id` body field (the header is
 * ignored). The body is tried first; a server that refuses it as an unknown field gets the header from then on.
 */
type SessionContract = "body" | "header";

/**
 * Learnt per server and kept for the process (on `globalThis`, as Next bundles this module once per route): a
 * client is made per request for a forwarded user token.
 */
const sessionContracts = processState(
  "agent-bricks-session-contracts",
  () => new Map<string, SessionContract>(),
);

/**
 * The engine's client for an agent served by the Agent Bricks runtime (DurableAgentServer): `POST
 * /api/invocations` with an id the app picks (the same id, input and session again finds the same run, so a
 * create whose answer was lost is simply sent again), status polling, the invocation's events with `after=N`,
 * and no cancel. docs/upstreams.md has the contract, its versions and quirks.
 */
export function agentBricksClient(options: AgentEndpoint): BackgroundClient {
  const { fetch } = options;
  const url = async (path: string) => `${await options.baseUrl()}/api/invocations${path}`;

  async function create(
    body: { input: UpstreamItem[] },
    create: CreateOptions | undefined,
    stream: boolean,
  ): Promise<UpstreamResponse> {
    const id = create?.runId;
    if (!id) throw new Error("An Agent Bricks run needs the id the app picked for it (clientRunIds).");
    const session = create?.conversation?.id;
    const input = toBricksInput(body.input, create?.conversation?.userId);
    const target = await url("");
    const contract = sessionContracts.get(target) ?? "body";
    const send = (how: SessionContract) =>
      callJson(fetch, target, {
        method: "POST",
        body: {
          id,
          input,
          background: true,
          stream,
          ...(how === "body" && session ? { session_id: session } : {}),
        },
        headers: {
          ...create?.headers,
          ...(session ? { "x-routing-key": session } : {}),
          ...(how === "header" && session ? { "x-databricks-session-id": session } : {}),
        },
        timeoutMs: CALL_TIMEOUT_MS,
        ...(create?.signal ? { signal: create.signal } : {}),
      });
    let answer: unknown;
    try {
      answer = await send(contract);
    } catch (err) {
      if (contract !== "body" || !refusesBodySession(err)) throw err;
      // Refused before anything was accepted: the same create, with the session in the header.
      sessionContracts.set(target, "header");
      answer = await send("header");
    }
    const a = (answer ?? {}) as { id?: unknown; status?: unknown };
    const status = fromBricksStatus(typeof a.status === "string" ? a.status : "queued");
    // The same id again answers the run as it is now: a finished one is read whole.
    if (status === "completed" || status === "failed") return retrieve(id);
    return { id, status, output: [] };
  }

  async function retrieve(id: string, signal?: AbortSignal): Promise<UpstreamResponse> {
    return fromStatusAnswer(
      id,
      await callJson(fetch, await url(`/${encodeURIComponent(id)}`), {
        method: "GET",
        timeoutMs: CALL_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
      }),
    );
  }

  async function events(
    id: string,
    after: number,
    translator: AgentBricksTranslator,
    signal?: AbortSignal,
  ): Promise<UpstreamEventStream> {
    const response = await openStream(fetch, await url(`/${encodeURIComponent(id)}/events?after=${after}`), {
      method: "GET",
      timeoutMs: CALL_TIMEOUT_MS,
      ...(signal ? { signal } : {}),
    });
    return new AgentBricksEventStream(response, translator);
  }

  const streaming: StreamingClient = {
    // Safe to send again (see clientRunIds): the engine retries it on a transient failure.
    create: async (body, opts) => {
      const created = await create(body, opts, true);
      const translator = new AgentBricksTranslator(created.id, created.status);
      return events(created.id, 0, translator);
    },
    resume: async (id, { startingAfter, signal, previous }) => {
      const continued = previous instanceof AgentBricksEventStream ? previous.translator : undefined;
      const translator = continued ?? new AgentBricksTranslator(id, "queued");
      const after = continued ? Math.max(0, translator.lastSequence, startingAfter ?? 0) : 0;
      return events(id, after, translator, signal);
    },
  };

  return {
    runLimitMs: RUN_LIMIT_MS,
    agentRunsTools: true,
    clientRunIds: { next: () => randomUUID() },
    ...(options.streaming ? { streaming } : {}),
    create: (body, opts) => create(body, opts, false),
    retrieve: (id, opts) => retrieve(id, opts?.signal),
    // No cancel: the runtime has no such endpoint (a stopped run goes on, and its session's next run waits).
  };
}

/** A 422 for `session_id` as an unknown body field: a runtime that takes the session as a header. */
function refusesBodySession(err: unknown): boolean {
  return err instanceof UpstreamHttpError && err.status === 422 && /session_id/.test(err.error.message);
}

/** One connection's events, translated; its translator goes on with the next connection. */
class AgentBricksEventStream implements UpstreamEventStream {
  private readonly controller = new AbortController();

  constructor(
    private readonly response: Response,
    readonly translator: AgentBricksTranslator,
  ) {}

  close(): void {
    this.controller.abort();
    void this.response.body?.cancel().catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<UpstreamStreamEvent> {
    yield* this.translator.opening();
    for await (const message of serverSentEvents(this.response.body)) {
      if (this.controller.signal.aborted) return;
      yield* this.translator.frame(message.id, message.data);
    }
  }
}
