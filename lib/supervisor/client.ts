import OpenAI from "openai";
import type { Stream } from "openai/core/streaming";
import { createEmulator, type Emulator, emulatorOptionsFromEnv } from "@/emulator";
import type {
  BackgroundClient,
  StreamingClient,
  UpstreamEventStream,
  UpstreamStreamEvent,
} from "@/lib/background";
import { existingProcessState, processState } from "@/lib/process-state";
import type { UpstreamResponse } from "@/lib/shared/upstream";
import { agentBricksClient } from "@/lib/upstreams/agent-bricks";
import { agentServerClient } from "@/lib/upstreams/agent-server";
import { appUrlResolver } from "@/lib/upstreams/app-url";
import { redirectsAsUnauthorized } from "@/lib/upstreams/http";
import { type BearerSource, fixedBearer, m2mBearer, withApiKeyHeader, withBearer } from "./auth";
import type { AgentConfig, AgentProvider, SupervisorConfig } from "./config";
import { createHttpFetch } from "./http-fetch";

/** Where each Responses provider's API lives (the agent servers have their own: see createUpstreamClient). */
export function baseUrlFor(config: SupervisorConfig): string {
  switch (config.provider) {
    case "databricks":
      return `${config.databricks?.host}/ai-gateway/mlflow/v1`;
    case "openai":
      return config.openai?.baseURL ?? "https://api.openai.com/v1";
    default:
      return EMULATOR_BASE_URL;
  }
}

/** A name only: requests to it never leave the process, the emulator's fetch answers them. */
const EMULATOR_ORIGIN = "http://emulator.invalid";
const EMULATOR_BASE_URL = `${EMULATOR_ORIGIN}/v1`;

const RETRIEVE_TIMEOUT_MS = 30_000;

export interface ClientOptions {
  env?: Record<string, string | undefined>;
  /** Replaces the HTTP transport for real providers (tests observe requests with it). */
  fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Databricks: the bearer to use instead of the configured one (a signed-in user's forwarded token). */
  bearer?: BearerSource;
}

/**
 * The transport of every upstream call: Node's HTTP client (lib/supervisor/http-fetch.ts says why), and for a
 * body it does not cover the platform's fetch, never Next's wrapper of it. Next replaces `globalThis.fetch`
 * with one that runs every call made while it handles a request through its data cache and a tracing span;
 * upstream calls are never cached (a retrieve must see the run as it is now). Next keeps the fetch it wrapped
 * as `_nextOriginalFetch`.
 */
export function upstreamFetch(): typeof fetch {
  const current = globalThis.fetch as typeof fetch & { _nextOriginalFetch?: typeof fetch };
  return createHttpFetch(current._nextOriginalFetch ?? current);
}

export function createOpenAIClient(
  config: SupervisorConfig,
  { env = process.env, fetch, bearer }: ClientOptions = {},
): OpenAI {
  const transport = fetch ?? upstreamFetch();
  switch (config.provider) {
    case "databricks": {
      const source = bearer ?? databricksBearer(config, fetch);
      return new OpenAI({
        apiKey: () => source.token(),
        baseURL: baseUrlFor(config),
        // Sends the current token, and after a 401 a fresh one (OAuth M2M tokens expire), once.
        fetch: withBearer(source, transport),
      });
    }
    case "openai": {
      const openai = config.openai;
      if (openai?.keyHeader === "api-key") {
        return new OpenAI({
          apiKey: openai.apiKey,
          baseURL: baseUrlFor(config),
          fetch: withApiKeyHeader(openai.apiKey, transport),
        });
      }
      return new OpenAI({ apiKey: openai?.apiKey, baseURL: baseUrlFor(config), fetch: transport });
    }
    default: {
      const emulator = embeddedEmulator(config, env);
      return new OpenAI({
        apiKey: emulator.options.token ?? "emulator",
        baseURL: EMULATOR_BASE_URL,
        fetch: emulator.fetch,
      });
    }
  }
}

/**
 * The engine's client for the configured upstream: the `openai` SDK for the Responses APIs (the Supervisor
 * API, OpenAI, the emulator's flavours of them), an agent-server adapter for a Databricks agent app
 * (LongRunningAgentServer) or an Agent Bricks agent, each on the same transport and credentials.
 */
export function createUpstreamClient(
  config: SupervisorConfig,
  options: ClientOptions = {},
): BackgroundClient {
  const kind = agentKindOf(config);
  if (!kind) {
    return toBackgroundClient(createOpenAIClient(config, options), { streaming: config.streaming });
  }
  const { baseUrl, fetch } = agentConnection(config, options);
  const adapter = { baseUrl, fetch, streaming: config.streaming };
  return kind === "databricks-agent" ? agentServerClient(adapter) : agentBricksClient(adapter);
}

/** Which agent server the config points at, directly or as the embedded emulator's flavour. */
export function agentKindOf(config: SupervisorConfig): AgentProvider | undefined {
  if (config.provider === "databricks-agent" || config.provider === "agent-bricks") return config.provider;
  if (
    config.provider === "emulator" &&
    (config.emulatorFlavor === "databricks-agent" || config.emulatorFlavor === "agent-bricks")
  )
    return config.emulatorFlavor;
  return undefined;
}

/** An agent server's address and the fetch that carries the bearer to it. */
function agentConnection(
  config: SupervisorConfig,
  { env = process.env, fetch, bearer }: ClientOptions,
): { baseUrl: () => Promise<string>; fetch: typeof globalThis.fetch } {
  if (config.provider === "emulator") {
    const emulator = embeddedEmulator(config, env);
    const token = emulator.options.token;
    return {
      baseUrl: async () => EMULATOR_ORIGIN,
      fetch: token ? withBearer(fixedBearer(token), emulator.fetch) : emulator.fetch,
    };
  }
  const agent = config.agent;
  if (!agent) throw new Error("The agent server is not configured.");
  const transport = fetch ?? upstreamFetch();
  const own = withBearer(agentBearer(agent, fetch), redirectsAsUnauthorized(transport));
  // A signed-in user's forwarded token calls the agent; the app's own credentials look the app up.
  const caller = bearer ? withBearer(bearer, redirectsAsUnauthorized(transport)) : own;
  const baseUrl = agent.url
    ? async () => agent.url as string
    : appUrlResolver({
        host: agent.host as string,
        app: agent.app as string,
        fetch: own,
        variable: agent.appVariable ?? "the app name",
      });
  return { baseUrl, fetch: caller };
}

/** The app's own credentials for an agent app: a token, or its service principal (OAuth M2M). */
function agentBearer(agent: AgentConfig, fetch: ClientOptions["fetch"]): BearerSource {
  if ("token" in agent.credentials) return fixedBearer(agent.credentials.token);
  return m2mBearer({
    host: agent.host as string,
    clientId: agent.credentials.clientId,
    clientSecret: agent.credentials.clientSecret,
    ...(fetch ? { fetch } : {}),
  });
}

/** The app's own Databricks credentials: its personal access token, or its service principal (OAuth M2M). */
function databricksBearer(config: SupervisorConfig, fetch: ClientOptions["fetch"]): BearerSource {
  const databricks = config.databricks;
  if (!databricks) throw new Error("Databricks is not configured.");
  if (databricks.token !== undefined) return fixedBearer(databricks.token);
  return m2mBearer({
    host: databricks.host,
    clientId: databricks.clientId,
    clientSecret: databricks.clientSecret,
    ...(fetch ? { fetch } : {}),
  });
}

const EMULATOR_STATE = "embedded-emulator";

/** The process's embedded emulator, if a request has started it (for the health report). */
export function embeddedEmulatorIfStarted(): Emulator | undefined {
  return existingProcessState<Emulator>(EMULATOR_STATE);
}

/**
 * One emulator per server process: Next may load this module in several bundles, and a run created through
 * one must be retrievable through another.
 */
function embeddedEmulator(config: SupervisorConfig, env: Record<string, string | undefined>): Emulator {
  return processState(EMULATOR_STATE, () =>
    createEmulator({ ...emulatorOptionsFromEnv(env), flavor: config.emulatorFlavor }),
  );
}

/** A Responses upstream (OpenAI, the Supervisor API) always has a cancel, which answers the response. */
export type ResponsesClient = Omit<BackgroundClient, "cancel"> & {
  cancel(id: string): Promise<UpstreamResponse>;
};

/** The engine's view of an upstream, over the real `openai` SDK; `streaming` when the upstream can stream runs. */
export function toBackgroundClient(
  openai: OpenAI,
  { streaming = false }: { streaming?: boolean } = {},
): ResponsesClient {
  return {
    ...(streaming ? { streaming: streamingClient(openai) } : {}),
    // Never retried (quirk 8 in docs/upstreams.md): a retried create has no idempotency key and may start a second run.
    create: async (body, options) =>
      (await openai.responses.create(body as unknown as OpenAI.Responses.ResponseCreateParamsNonStreaming, {
        maxRetries: 0,
        signal: options?.signal,
        ...(options?.headers ? { headers: options.headers } : {}),
      })) as unknown as UpstreamResponse,
    // The engine retries retrieve itself, with back-off it can report to the user.
    retrieve: async (id, options) =>
      (await openai.responses.retrieve(id, undefined, {
        maxRetries: 0,
        timeout: RETRIEVE_TIMEOUT_MS,
        signal: options?.signal,
      })) as unknown as UpstreamResponse,
    // Cancel is idempotent upstream, so a retry is harmless.
    cancel: async (id) =>
      (await openai.responses.cancel(id, { maxRetries: 2 })) as unknown as UpstreamResponse,
  };
}

/** Background + stream over the SDK: its `Stream` is the event stream, its controller closes the connection. */
function streamingClient(openai: OpenAI): StreamingClient {
  const wrap = (stream: Stream<OpenAI.Responses.ResponseStreamEvent>): UpstreamEventStream => ({
    close: () => stream.controller.abort(),
    [Symbol.asyncIterator]: () => stream[Symbol.asyncIterator]() as AsyncIterator<UpstreamStreamEvent>,
  });
  return {
    // Never retried (quirk 8), and not abortable before the run is named: see runCycles.
    create: async (body, options) =>
      wrap(
        await openai.responses.create(body as unknown as OpenAI.Responses.ResponseCreateParamsStreaming, {
          maxRetries: 0,
          ...(options?.headers ? { headers: options.headers } : {}),
        }),
      ),
    resume: async (id, { startingAfter, signal }) =>
      wrap(
        await openai.responses.retrieve(
          id,
          { stream: true, ...(startingAfter !== undefined ? { starting_after: startingAfter } : {}) },
          { maxRetries: 0, timeout: RETRIEVE_TIMEOUT_MS, signal },
        ),
      ),
  };
}
