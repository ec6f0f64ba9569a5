import { trustsForwardedHeaders } from "@/lib/auth/identity";
import type { ChatStore, RunLimits } from "@/lib/db/chat-store";
import { agentKindOf, embeddedEmulatorIfStarted } from "@/lib/supervisor/client";
import { ConfigError, type SupervisorConfig } from "@/lib/supervisor/config";
import { resolvedAppUrl } from "@/lib/upstreams/app-url";

/**
 * What `GET /api/health` reports to platform probes and to a person checking a deployment: which provider and
 * how it authenticates, whether the database answers, and the embedded emulator's state. Names, never values:
 * no token, key, secret, host credentials or connection string appears here.
 */
export interface Health {
  status: "ok" | "degraded" | "misconfigured";
  provider?: SupervisorConfig["provider"];
  model?: string;
  /** How the app authenticates upstream. */
  auth?: "none" | "token" | "oauth-m2m" | "api-key";
  /**
   * Who may use the app: `trusted-proxy` (a proxy in front signs people in and forwards who they are:
   * TRUST_FORWARDED_HEADERS) or `anonymous` (no sign-in: every browser gets a session of its own).
   */
  access: "anonymous" | "trusted-proxy";
  /** A signed-in user's forwarded token is used instead, when present (Databricks Apps, trusted proxy). */
  onBehalfOfUsers?: boolean;
  streaming?: boolean;
  /** Whether Stop cancels the run upstream (false: it stops following, and the agent may go on). */
  cancelsRuns?: boolean;
  /** An agent server: where it is (its URL, or the app name it is looked up by, with the URL once found). */
  agent?: { kind: "databricks-agent" | "agent-bricks"; url?: string; app?: string };
  pollIntervalMs?: number;
  streamBudgetMs?: number;
  /** Per-person run limits in force (an absent one is off). */
  runLimits?: RunLimits;
  /** The configuration problems, by variable name (when misconfigured). */
  problems?: string[];
  database: { kind: "postgres" | "pglite"; ok: boolean; latencyMs?: number; error?: string };
  emulator?: { flavor: string; started: boolean; requests?: number; openStreams?: number };
  uptimeS: number;
}

const PROBE_TIMEOUT_MS = 5_000;

export async function checkHealth(deps: {
  loadConfig: () => SupervisorConfig;
  store: () => ChatStore;
  env?: Record<string, string | undefined>;
}): Promise<Health> {
  const env = deps.env ?? process.env;
  const database = await probeDatabase(deps.store, env);
  const uptimeS = Math.round(process.uptime());
  let config: SupervisorConfig;
  try {
    config = deps.loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return { status: "misconfigured", access: accessOf(env), problems: err.problems, database, uptimeS };
  }
  const emulator = config.provider === "emulator" ? emulatorState(config) : undefined;
  const agent = await agentOf(config);
  const onBehalf =
    config.provider === "databricks" ||
    config.provider === "databricks-agent" ||
    config.provider === "agent-bricks";
  return {
    status: database.ok ? "ok" : "degraded",
    provider: config.provider,
    model: config.model,
    auth: authOf(config),
    access: accessOf(env),
    onBehalfOfUsers: onBehalf && trustsForwardedHeaders(env),
    streaming: config.streaming,
    cancelsRuns: !agentKindOf(config),
    ...(agent ? { agent } : {}),
    pollIntervalMs: config.pollIntervalMs,
    streamBudgetMs: config.streamBudgetMs,
    runLimits: config.runLimits,
    database,
    ...(emulator ? { emulator } : {}),
    uptimeS,
  };
}

const accessOf = (env: Record<string, string | undefined>): Health["access"] =>
  trustsForwardedHeaders(env) ? "trusted-proxy" : "anonymous";

function authOf(config: SupervisorConfig): Health["auth"] {
  switch (config.provider) {
    case "emulator":
      return "none";
    case "openai":
      return "api-key";
    case "databricks":
      return config.databricks?.token !== undefined ? "token" : "oauth-m2m";
    case "databricks-agent":
    case "agent-bricks":
      return config.agent && "token" in config.agent.credentials ? "token" : "oauth-m2m";
  }
}

/** The agent server's address; an app name shows the URL it resolved to once a run has looked it up. */
async function agentOf(config: SupervisorConfig): Promise<Health["agent"]> {
  const kind = agentKindOf(config);
  if (!kind) return undefined;
  const agent = config.agent;
  if (!agent) return { kind }; // the embedded emulator's flavour
  if (agent.url) return { kind, url: agent.url };
  const url = agent.host && agent.app ? await resolvedAppUrl(agent.host, agent.app) : undefined;
  return { kind, ...(agent.app ? { app: agent.app } : {}), ...(url ? { url } : {}) };
}

/** One light read (a chat listing for an owner nobody is), bounded in time: a hung database is a failed probe. */
async function probeDatabase(
  store: () => ChatStore,
  env: Record<string, string | undefined>,
): Promise<Health["database"]> {
  const kind = env.DATABASE_URL?.trim() ? "postgres" : "pglite";
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      store().listChats("health:probe", 1),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS / 1000} s`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return { kind, ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    // The driver's message can carry the connection string's host and user, never its password; keep it short.
    const message =
      err instanceof Error ? err.message.replace(/postgres(ql)?:\/\/\S+/g, "postgres://…") : "failed";
    return { kind, ok: false, error: message.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

function emulatorState(config: SupervisorConfig): Health["emulator"] {
  const emulator = embeddedEmulatorIfStarted();
  if (!emulator) return { flavor: config.emulatorFlavor, started: false };
  const stats = emulator.faultStats();
  return {
    flavor: emulator.options.flavor,
    started: true,
    requests: stats.requests.create + stats.requests.retrieve + stats.requests.cancel,
    openStreams: emulator.openStreams(),
  };
}
