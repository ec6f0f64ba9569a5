import { z } from "zod";
import type { RunLimits } from "@/lib/db/chat-store";
import { type HostedTool, loadToolsFile, ToolsFileError } from "./tools-file";
import { parseTraceDestination, type TracingOptions } from "./tracing";

/**
 * Provider configuration from the environment: the variables README.md's "Connect a real agent" table lists
 * (deployments depend on their names). Every problem is collected and reported in one start-up error, so a
 * person fixes their env once instead of once per missing variable.
 */

export type Provider = "emulator" | "databricks" | "openai" | "databricks-agent" | "agent-bricks";

/** The providers that are agent servers (docs/upstreams.md): the agent keeps its own conversation and tools. */
export type AgentProvider = "databricks-agent" | "agent-bricks";
export type EmulatorFlavor = "databricks" | "openai" | AgentProvider;

const PROVIDERS: readonly Provider[] = [
  "emulator",
  "databricks",
  "openai",
  "databricks-agent",
  "agent-bricks",
];
const FLAVORS: readonly EmulatorFlavor[] = ["databricks", "openai", "databricks-agent", "agent-bricks"];
const choices = (values: readonly string[]) =>
  `must be ${values
    .slice(0, -1)
    .map((v) => `"${v}"`)
    .join(", ")} or "${values.at(-1)}"`;

export interface SupervisorConfig {
  provider: Provider;
  model: string;
  instructions: string;
  pollIntervalMs: number;
  emulatorFlavor: EmulatorFlavor;
  /** Hosted tools from SUPERVISOR_TOOLS_FILE, sent on every create. */
  hostedTools: HostedTool[];
  /** Whether the app offers its own function tools (SUPERVISOR_CLIENT_TOOLS). */
  clientTools: boolean;
  /**
   * Whether runs are followed through the upstream's event stream (background + stream: real deltas) rather
   * than polled (SUPERVISOR_STREAMING; `auto`: OpenAI and the emulator's openai flavour; Databricks refuses it).
   */
  streaming: boolean;
  /** Tracing pass-through (SUPERVISOR_TRACING=on, MLFLOW_TRACE_DESTINATION); undefined when off. */
  tracing?: TracingOptions;
  /**
   * Per-person limits on runs (MAX_RUNS_IN_FLIGHT_PER_PERSON, MAX_RUNS_PER_DAY_PER_PERSON); an absent one is off.
   * A turn over one is refused with a 429 and nothing is sent upstream.
   */
  runLimits: RunLimits;
  /** How long one streaming response may run before handing over to a reconnect (STREAM_BUDGET_MS). */
  streamBudgetMs: number;
  /**
   * OpenAI's webhook signing secret (OPENAI_WEBHOOK_SECRET; the openai provider, or the emulator's openai
   * flavour): the end of a run nobody watches arrives at `POST /api/webhooks/openai`, and is not polled for.
   */
  webhookSecret?: string;
  /** Only for `databricks`: a personal access token, or a service principal's OAuth M2M credentials. */
  databricks?: { host: string } & (
    | { token: string; clientId?: undefined; clientSecret?: undefined }
    | { token?: undefined; clientId: string; clientSecret: string }
  );
  /** Only for `openai`. `keyHeader`: Azure OpenAI takes its key in an `api-key` header, not as a bearer. */
  openai?: { apiKey: string; baseURL?: string; keyHeader: "authorization" | "api-key" };
  /** Only for the agent servers (`databricks-agent`, `agent-bricks`): where the agent is and how to sign in. */
  agent?: AgentConfig;
}

export interface AgentConfig {
  /** The agent app's base URL (DATABRICKS_AGENT_URL / AGENT_BRICKS_URL)… */
  url?: string;
  /** …or its name, looked up in the workspace (DATABRICKS_AGENT_APP / AGENT_BRICKS_APP). */
  app?: string;
  /** The variable the name came from, for messages. */
  appVariable?: string;
  /** The workspace (DATABRICKS_HOST): its OAuth token endpoint and Apps API. */
  host?: string;
  /** A token (an OAuth token: Databricks Apps refuse personal access tokens), or a service principal. */
  credentials: { token: string } | { clientId: string; clientSecret: string };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Background Agent Chat cannot start; fix the environment:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
    this.name = "ConfigError";
  }
}

const DEFAULT_MODELS: Record<Provider, string> = {
  emulator: "emulated-supervisor-agent",
  databricks: "databricks-claude-sonnet-4-5",
  openai: "gpt-5-mini",
  // An agent server runs its own model; the name is only shown.
  "databricks-agent": "agent",
  "agent-bricks": "agent",
};

/** The chat routes export `maxDuration = 300` (seconds); a stream hands over 10 s before the platform cuts it. */
export const CHAT_ROUTE_MAX_DURATION_S = 300;
export const DEFAULT_STREAM_BUDGET_MS = (CHAT_ROUTE_MAX_DURATION_S - 10) * 1000;

const DEFAULT_INSTRUCTIONS =
  "You are a helpful assistant for data and analytics questions. Use the tools you have when they help, and say what you did.";

const blankToUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;
const optionalText = z.preprocess(blankToUndefined, z.string().trim().optional());
const optionalUrl = z.preprocess(
  blankToUndefined,
  z
    .url({
      protocol: /^https?$/,
      error: "must be an http(s) URL, e.g. https://my-workspace.cloud.databricks.com",
    })
    .optional(),
);

const optionalAppName = z.preprocess(
  blankToUndefined,
  z
    .string()
    .trim()
    .regex(/^[a-z0-9-]{1,63}$/, {
      error: "must be a Databricks App name: lower-case letters, digits and '-'",
    })
    .optional(),
);

/** A per-person run limit: a whole number of runs, or unset for none. */
const optionalRunCount = z.preprocess(
  blankToUndefined,
  z.coerce
    .number({ error: "must be a number of runs" })
    .int({ error: "must be a whole number of runs" })
    .min(1, { error: "must be 1 or more (leave it unset for no limit)" })
    .optional(),
);

const envSchema = z.object({
  SUPERVISOR_PROVIDER: z.preprocess(
    blankToUndefined,
    z.enum(PROVIDERS, { error: choices(PROVIDERS) }).optional(),
  ),
  EMULATOR_FLAVOR: z.preprocess(
    blankToUndefined,
    z.enum(FLAVORS, { error: choices(FLAVORS) }).default("databricks"),
  ),
  DATABRICKS_AGENT_URL: optionalUrl,
  DATABRICKS_AGENT_APP: optionalAppName,
  AGENT_BRICKS_URL: optionalUrl,
  AGENT_BRICKS_APP: optionalAppName,
  // Databricks Apps set DATABRICKS_HOST to the bare workspace host name.
  DATABRICKS_HOST: z.preprocess(
    (value) =>
      typeof value === "string" && /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(value.trim())
        ? `https://${value.trim()}`
        : value,
    optionalUrl,
  ),
  DATABRICKS_TOKEN: optionalText,
  DATABRICKS_CLIENT_ID: optionalText,
  DATABRICKS_CLIENT_SECRET: optionalText,
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalUrl,
  OPENAI_WEBHOOK_SECRET: optionalText,
  OPENAI_API_KEY_HEADER: z.preprocess(
    blankToUndefined,
    z.enum(["authorization", "api-key"], { error: 'must be "authorization" or "api-key"' }).optional(),
  ),
  SUPERVISOR_MODEL: optionalText,
  SUPERVISOR_INSTRUCTIONS: optionalText,
  SUPERVISOR_TOOLS_FILE: optionalText,
  SUPERVISOR_CLIENT_TOOLS: z.preprocess(
    blankToUndefined,
    z.enum(["on", "off"], { error: 'must be "on" or "off"' }).default("on"),
  ),
  SUPERVISOR_STREAMING: z.preprocess(
    blankToUndefined,
    z.enum(["auto", "on", "off"], { error: 'must be "auto", "on" or "off"' }).default("auto"),
  ),
  SUPERVISOR_TRACING: z.preprocess(
    blankToUndefined,
    z.enum(["on", "off"], { error: 'must be "on" or "off"' }).default("off"),
  ),
  MLFLOW_TRACE_DESTINATION: optionalText,
  STREAM_BUDGET_MS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: "must be a number of milliseconds" })
      .int({ error: "must be a whole number of milliseconds" })
      .min(1000, { error: "must be at least 1000 ms" })
      .max(DEFAULT_STREAM_BUDGET_MS, {
        error: `must be at most ${DEFAULT_STREAM_BUDGET_MS} ms (the route's maxDuration minus 10 s)`,
      })
      .default(DEFAULT_STREAM_BUDGET_MS),
  ),
  MAX_RUNS_IN_FLIGHT_PER_PERSON: optionalRunCount,
  MAX_RUNS_PER_DAY_PER_PERSON: optionalRunCount,
  SUPERVISOR_POLL_INTERVAL_MS: z.preprocess(
    blankToUndefined,
    z.coerce
      .number({ error: "must be a number of milliseconds" })
      .int({ error: "must be a whole number of milliseconds" })
      .min(100, { error: "must be at least 100 ms" })
      .max(60_000, { error: "must be at most 60000 ms" })
      .default(2000),
  ),
});

export function loadSupervisorConfig(
  env: Record<string, string | undefined> = process.env,
  readFile?: (path: string) => string,
): SupervisorConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`));
  }
  const e = parsed.data;
  // With nothing configured the app runs offline on the emulator; credentials pick their provider.
  // An agent's address names its kind first: Databricks Apps give every app DATABRICKS_HOST and a service
  // principal, which alone would pick the Supervisor API.
  const provider: Provider =
    e.SUPERVISOR_PROVIDER ??
    (e.DATABRICKS_AGENT_URL || e.DATABRICKS_AGENT_APP
      ? "databricks-agent"
      : e.AGENT_BRICKS_URL || e.AGENT_BRICKS_APP
        ? "agent-bricks"
        : undefined) ??
    (e.DATABRICKS_HOST && (e.DATABRICKS_TOKEN || e.DATABRICKS_CLIENT_ID)
      ? "databricks"
      : e.OPENAI_API_KEY
        ? "openai"
        : e.DATABRICKS_HOST
          ? "databricks"
          : "emulator");
  const problems: string[] = [];
  let tracing: TracingOptions | undefined;
  if (e.SUPERVISOR_TRACING === "on") {
    tracing = {};
    if (e.MLFLOW_TRACE_DESTINATION) {
      const destination = parseTraceDestination(e.MLFLOW_TRACE_DESTINATION);
      if (typeof destination === "string") problems.push(`MLFLOW_TRACE_DESTINATION ${destination}`);
      else tracing.traceDestination = destination;
    }
  }
  let hostedTools: HostedTool[] = [];
  if (e.SUPERVISOR_TOOLS_FILE) {
    try {
      hostedTools = loadToolsFile(e.SUPERVISOR_TOOLS_FILE, readFile);
    } catch (err) {
      if (!(err instanceof ToolsFileError)) throw err;
      problems.push(...err.problems);
    }
  }
  const base = {
    provider,
    hostedTools,
    clientTools: e.SUPERVISOR_CLIENT_TOOLS === "on",
    streamBudgetMs: e.STREAM_BUDGET_MS,
    runLimits: {
      ...(e.MAX_RUNS_IN_FLIGHT_PER_PERSON ? { inFlight: e.MAX_RUNS_IN_FLIGHT_PER_PERSON } : {}),
      ...(e.MAX_RUNS_PER_DAY_PER_PERSON ? { perDay: e.MAX_RUNS_PER_DAY_PER_PERSON } : {}),
    },
    model: e.SUPERVISOR_MODEL ?? DEFAULT_MODELS[provider],
    instructions: e.SUPERVISOR_INSTRUCTIONS ?? DEFAULT_INSTRUCTIONS,
    pollIntervalMs: e.SUPERVISOR_POLL_INTERVAL_MS,
    emulatorFlavor: e.EMULATOR_FLAVOR,
    ...(tracing ? { tracing } : {}),
    ...(e.OPENAI_WEBHOOK_SECRET ? { webhookSecret: e.OPENAI_WEBHOOK_SECRET } : {}),
    streaming:
      e.SUPERVISOR_STREAMING === "auto"
        ? streamsByDefault(provider === "emulator" ? e.EMULATOR_FLAVOR : provider)
        : e.SUPERVISOR_STREAMING === "on",
  };

  const openaiFlavoured =
    provider === "openai" || (provider === "emulator" && e.EMULATOR_FLAVOR === "openai");
  if (e.OPENAI_WEBHOOK_SECRET && !openaiFlavoured)
    problems.push(
      "OPENAI_WEBHOOK_SECRET is set, but webhooks are OpenAI's: it needs SUPERVISOR_PROVIDER=openai (or the emulator's openai flavour)",
    );

  if (provider === "databricks-agent" || provider === "agent-bricks") {
    const agent = agentConfig(provider, e, problems);
    if (problems.length || !agent) throw new ConfigError(problems);
    return { ...base, agent };
  }

  if (provider === "databricks") {
    if (!e.DATABRICKS_HOST)
      problems.push("DATABRICKS_HOST is required for SUPERVISOR_PROVIDER=databricks (the workspace URL)");
    const m2m = e.DATABRICKS_CLIENT_ID || e.DATABRICKS_CLIENT_SECRET;
    if (!e.DATABRICKS_TOKEN && !m2m)
      problems.push(
        "DATABRICKS_TOKEN (a personal access token) or DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET (a service principal) is required for SUPERVISOR_PROVIDER=databricks",
      );
    if (!e.DATABRICKS_TOKEN && m2m && !(e.DATABRICKS_CLIENT_ID && e.DATABRICKS_CLIENT_SECRET))
      problems.push(
        `${e.DATABRICKS_CLIENT_ID ? "DATABRICKS_CLIENT_SECRET" : "DATABRICKS_CLIENT_ID"} is required with ${e.DATABRICKS_CLIENT_ID ? "DATABRICKS_CLIENT_ID" : "DATABRICKS_CLIENT_SECRET"} (OAuth M2M for a service principal)`,
      );
    if (problems.length) throw new ConfigError(problems);
    const host = stripTrailingSlash(e.DATABRICKS_HOST as string);
    // A token set explicitly wins over the service principal that Databricks Apps inject into every app.
    return {
      ...base,
      databricks: e.DATABRICKS_TOKEN
        ? { host, token: e.DATABRICKS_TOKEN }
        : {
            host,
            clientId: e.DATABRICKS_CLIENT_ID as string,
            clientSecret: e.DATABRICKS_CLIENT_SECRET as string,
          },
    };
  }
  if (provider === "openai") {
    if (!e.OPENAI_API_KEY) problems.push("OPENAI_API_KEY is required for SUPERVISOR_PROVIDER=openai");
    if (problems.length) throw new ConfigError(problems);
    return {
      ...base,
      openai: {
        apiKey: e.OPENAI_API_KEY as string,
        ...(e.OPENAI_BASE_URL ? { baseURL: stripTrailingSlash(e.OPENAI_BASE_URL) } : {}),
        keyHeader:
          e.OPENAI_API_KEY_HEADER ?? (isAzureOpenAI(e.OPENAI_BASE_URL) ? "api-key" : "authorization"),
      },
    };
  }
  if (problems.length) throw new ConfigError(problems);
  return base;
}

/** Whether runs are followed by their event stream unless SUPERVISOR_STREAMING says otherwise. */
function streamsByDefault(upstream: Provider | EmulatorFlavor): boolean {
  // The Supervisor API refuses background + stream (quirk 7); every other upstream streams a background run.
  return upstream !== "databricks" && upstream !== "emulator";
}

type Env = z.infer<typeof envSchema>;

/** Where an agent server is and how the app signs in to it; problems go to `problems`. */
function agentConfig(provider: AgentProvider, e: Env, problems: string[]): AgentConfig | undefined {
  const [urlVar, appVar] =
    provider === "databricks-agent"
      ? (["DATABRICKS_AGENT_URL", "DATABRICKS_AGENT_APP"] as const)
      : (["AGENT_BRICKS_URL", "AGENT_BRICKS_APP"] as const);
  const url = e[urlVar];
  const app = e[appVar];
  if (!url && !app)
    problems.push(
      `${urlVar} (the agent app's URL, e.g. https://my-agent-1234.aws.databricksapps.com) or ${appVar} (its name in the workspace) is required for SUPERVISOR_PROVIDER=${provider}`,
    );
  if (url && app) problems.push(`${urlVar} and ${appVar} both name the agent: set only one`);
  const m2m = e.DATABRICKS_CLIENT_ID || e.DATABRICKS_CLIENT_SECRET;
  if (!e.DATABRICKS_TOKEN && !m2m)
    problems.push(
      `DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET (a service principal, as a Databricks App has) or DATABRICKS_TOKEN (an OAuth token: Databricks Apps refuse personal access tokens) is required for SUPERVISOR_PROVIDER=${provider}`,
    );
  if (!e.DATABRICKS_TOKEN && m2m && !(e.DATABRICKS_CLIENT_ID && e.DATABRICKS_CLIENT_SECRET))
    problems.push(
      `${e.DATABRICKS_CLIENT_ID ? "DATABRICKS_CLIENT_SECRET" : "DATABRICKS_CLIENT_ID"} is required with ${e.DATABRICKS_CLIENT_ID ? "DATABRICKS_CLIENT_ID" : "DATABRICKS_CLIENT_SECRET"} (OAuth M2M for a service principal)`,
    );
  if (!e.DATABRICKS_HOST && (app || (!e.DATABRICKS_TOKEN && m2m)))
    problems.push(
      `DATABRICKS_HOST (the workspace URL) is required for SUPERVISOR_PROVIDER=${provider} ${app ? `to look ${appVar} up` : "for the service principal's OAuth tokens"}`,
    );
  if (problems.length) return undefined;
  const host = e.DATABRICKS_HOST ? stripTrailingSlash(e.DATABRICKS_HOST) : undefined;
  return {
    ...(url ? { url: stripTrailingSlash(url) } : {}),
    ...(app ? { app, appVariable: appVar } : {}),
    ...(host ? { host } : {}),
    // As for the Supervisor API: a token set explicitly wins over the app's injected service principal.
    credentials: e.DATABRICKS_TOKEN
      ? { token: e.DATABRICKS_TOKEN }
      : { clientId: e.DATABRICKS_CLIENT_ID as string, clientSecret: e.DATABRICKS_CLIENT_SECRET as string },
  };
}

/** Azure OpenAI's hosts (its v1 API lives at `https://<resource>.openai.azure.com/openai/v1`). */
function isAzureOpenAI(baseURL: string | undefined): boolean {
  if (!baseURL) return false;
  const host = new URL(baseURL).hostname;
  return /\.(openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com)$/i.test(host);
}

function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** Whether the upstream copies input history into a background response's output (quirk 1). */
export function upstreamEchoesHistory(config: SupervisorConfig): boolean {
  return (
    config.provider === "databricks" ||
    (config.provider === "emulator" && config.emulatorFlavor === "databricks")
  );
}
