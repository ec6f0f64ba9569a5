import { randomUUID } from "node:crypto";
import type {
  BackgroundClient,
  CreateOptions,
  StreamingClient,
  UpstreamEventStream,
  UpstreamStreamEvent,
} from "@/lib/background";
import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import { AgentServerTranslator, errorOf, FOREGROUND_PREFIX } from "./agent-server-events";
import { type AgentEndpoint, callJson, openStream, UpstreamHttpError } from "./http";
import { OutputAssembler } from "./output-assembler";
import { serverSentEvents } from "./sse";

/** The server's own task timeout (3600 s by default): it fails a run still going after it. */
const RUN_LIMIT_MS = 60 * 60_000;
const RETRIEVE_TIMEOUT_MS = 30_000;
/**
 * A background create answers at once; a server without a database runs the whole turn before it answers
 * (it ignores `background`), so the create may take as long as the agent does.
 */
const CREATE_TIMEOUT_MS = 5 * 60_000;

/**
 * The engine's client for a Databricks agent app served by LongRunningAgentServer (the app templates'
 * `agent-*-advanced` agents): `POST /responses` with `background`, `GET /responses/{id}` (no partial output
 * while running), its resumable event stream, and no cancel (it answers 501). docs/upstreams.md has the whole
 * contract and its quirks.
 */
export function agentServerClient(options: AgentEndpoint): BackgroundClient {
  const { fetch } = options;
  const url = async (path: string) => `${await options.baseUrl()}${path}`;
  const createBody = (input: UpstreamItem[], create: CreateOptions | undefined, stream: boolean) => ({
    input: input.filter((item) => ACCEPTED_INPUT_TYPES.has(item.type)),
    background: true,
    ...(stream ? { stream: true } : {}),
    // The agent keys its conversation memory on the conversation id, and user-scoped memory on the user.
    ...(create?.conversation
      ? { context: { conversation_id: create.conversation.id, user_id: create.conversation.userId } }
      : {}),
  });

  const streaming: StreamingClient = {
    // Never retried (a second create would start a second run): the run's id comes in the first frame.
    create: async (body, create) => {
      const response = await openStream(fetch, await url("/responses"), {
        method: "POST",
        body: createBody(body.input, create, true),
        timeoutMs: CREATE_TIMEOUT_MS,
        ...(create?.headers ? { headers: create.headers } : {}),
      });
      const translator = new AgentServerTranslator(undefined, foregroundId);
      if (isJson(response)) return answeredAtOnce(translator, fromCreateAnswer(await response.json()));
      return eventStream(response, translator);
    },
    resume: async (responseId, { startingAfter, signal, previous }) => {
      const continued = previous instanceof AgentServerEventStream ? previous.translator : undefined;
      if (responseId.startsWith(FOREGROUND_PREFIX)) throw foregroundOnly();
      const translator = continued ?? new AgentServerTranslator(responseId, foregroundId);
      // `starting_after=0` means "from seq 0, inclusive" here (0 is also where a replay from the start begins);
      // what comes again is dropped by sequence number.
      const after = Math.max(0, continued ? Math.max(translator.lastSequence, startingAfter ?? 0) : 0);
      const response = await openStream(
        fetch,
        await url(`/responses/${encodeURIComponent(responseId)}?stream=true&starting_after=${after}`),
        { method: "GET", timeoutMs: RETRIEVE_TIMEOUT_MS, ...(signal ? { signal } : {}) },
      );
      return eventStream(response, translator);
    },
  };

  return {
    runLimitMs: RUN_LIMIT_MS,
    agentRunsTools: true,
    ...(options.streaming ? { streaming } : {}),
    create: async (body, create) =>
      fromCreateAnswer(
        await callJson(fetch, await url("/responses"), {
          method: "POST",
          body: createBody(body.input, create, false),
          timeoutMs: CREATE_TIMEOUT_MS,
          ...(create?.signal ? { signal: create.signal } : {}),
          ...(create?.headers ? { headers: create.headers } : {}),
        }),
      ),
    retrieve: async (responseId, retrieve) => {
      if (responseId.startsWith(FOREGROUND_PREFIX)) throw foregroundOnly();
      try {
        return fromRetrieveAnswer(
          responseId,
          await callJson(fetch, await url(`/responses/${encodeURIComponent(responseId)}`), {
            method: "GET",
            timeoutMs: RETRIEVE_TIMEOUT_MS,
            ...(retrieve?.signal ? { signal: retrieve.signal } : {}),
          }),
        );
      } catch (err) {
        if (err instanceof UpstreamHttpError && err.status === 501) throw foregroundOnly();
        throw err;
      }
    },
    // No cancel: the server answers 501 to `POST /responses/{id}/cancel` (the run goes on until it ends).
  };
}

/**
 * The input item types MLflow's request validator takes (any other type is a 400 for the whole request): an
 * approved MCP call (`mcp_call`) or a tool list the agent produced stays in the chat, not in what is sent. The
 * agent keeps its own record of them in its conversation memory.
 */
const ACCEPTED_INPUT_TYPES = new Set([
  "message",
  "function_call",
  "function_call_output",
  "mcp_approval_request",
  "mcp_approval_response",
]);

const foregroundId = () => `${FOREGROUND_PREFIX}${randomUUID()}`;

/** A run the server answered in the foreground cannot be looked up again: say why, once, as a refusal. */
function foregroundOnly(): UpstreamHttpError {
  return new UpstreamHttpError(
    400,
    "this agent server has no database (Lakebase), so it runs each request in the foreground and keeps no " +
      "run to look up or follow again after a cut connection. Add a Lakebase database to the agent's app " +
      "(LAKEBASE_INSTANCE_NAME) for background runs that survive cuts.",
  );
}

/**
 * A create's answer: `{id, status: "in_progress", output: []}` for a background run (never `queued`), or the
 * whole turn's `{output}` (no id, no status) from a server without a database, which ran it in the foreground.
 */
function fromCreateAnswer(answer: unknown): UpstreamResponse {
  const a = (answer ?? {}) as Record<string, unknown>;
  if (typeof a.id === "string" && typeof a.status === "string") return fromRetrieveAnswer(a.id, a);
  return { id: foregroundId(), status: "completed", output: normaliseOutput(a.output) };
}

/** `GET /responses/{id}`: no output at all while in progress; every attempt's finished items once completed. */
export function fromRetrieveAnswer(id: string, answer: unknown): UpstreamResponse {
  const a = (answer ?? {}) as Record<string, unknown>;
  const status = typeof a.status === "string" ? a.status : "in_progress";
  if (status === "failed") return { id, status, output: [], error: errorOf(a.error) };
  return { id, status, output: status === "completed" ? normaliseOutput(a.output) : [] };
}

/** Output items with the ids the streamed ones get (see OutputAssembler): the cursor means the same both ways. */
function normaliseOutput(output: unknown): UpstreamItem[] {
  const assembler = new OutputAssembler();
  for (const item of Array.isArray(output) ? output : []) {
    if (item && typeof item === "object" && typeof (item as UpstreamItem).type === "string")
      assembler.finish(item as UpstreamItem, typeof item.id === "string" ? item.id : undefined);
  }
  return assembler.output({ withUnfinished: false });
}

const isJson = (response: Response) => /json/i.test(response.headers.get("content-type") ?? "");

/** One connection's events, translated; the translator goes on with the next connection (`resume`). */
class AgentServerEventStream implements UpstreamEventStream {
  private readonly controller = new AbortController();

  constructor(
    private readonly source: (signal: AbortSignal) => AsyncIterable<UpstreamStreamEvent>,
    readonly translator: AgentServerTranslator,
  ) {}

  close(): void {
    this.controller.abort();
  }

  [Symbol.asyncIterator](): AsyncIterator<UpstreamStreamEvent> {
    return this.source(this.controller.signal)[Symbol.asyncIterator]();
  }
}

function eventStream(response: Response, translator: AgentServerTranslator): AgentServerEventStream {
  return new AgentServerEventStream(async function* (signal) {
    const body = response.body;
    signal.addEventListener("abort", () => void body?.cancel().catch(() => undefined), { once: true });
    for await (const message of serverSentEvents(body)) {
      if (signal.aborted) return;
      yield* translator.frame(message.data);
    }
  }, translator);
}

/** A create the server answered as JSON (it ran the turn already): the run's one event is its end. */
function answeredAtOnce(
  translator: AgentServerTranslator,
  response: UpstreamResponse,
): AgentServerEventStream {
  translator.responseId = response.id;
  return new AgentServerEventStream(async function* () {
    yield { type: "response.created", response };
  }, translator);
}
