import { trustsForwardedHeaders } from "@/lib/auth/identity";
import { AuthConfigError, type AuthMode, authModeOf } from "@/lib/auth/mode";
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
   * Who may use the app: `oidc` (people sign in with the team's identity provider: OIDC_ISSUER), `trusted-proxy`
   * (a proxy in front signs people in and forwards who they are: TRUST_FORWARDED_HEADERS) or `anonymous` (no
   * sign-in: every browser gets a session of its own).
   */
  access: "anonymous" | "trusted-proxy" | "oidc";
  /** With anonymous access: whether the deployment asked for it (AUTH_MODE=anonymous) or runs on the local default. */
  anonymousBy?: "AUTH_MODE" | "default";
  /** With sign-in on: the identity provider's issuer and the name its button shows. */
  signIn?: { issuer: string; provider: string };
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
  const { access, problems: accessProblems } = accessOf(env);
  let config: SupervisorConfig;
  try {
    config = deps.loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return {
      status: "misconfigured",
      ...access,
      problems: [...err.problems, ...accessProblems],
      database,
      uptimeS,
    };
  }
  if (accessProblems.length)
    return { status: "misconfigured", ...access, problems: accessProblems, database, uptimeS };
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
    ...access,
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

/** Who may use the app, by the auth mode the environment sets (lib/auth/mode.ts), and what is wrong with it. */
function accessOf(env: Record<string, string | undefined>): {
  access: Pick<Health, "access" | "anonymousBy" | "signIn">;
  problems: string[];
} {
  let mode: AuthMode;
  try {
    mode = authModeOf(env);
  } catch (err) {
    if (!(err instanceof AuthConfigError)) throw err;
    const asked = env.OIDC_ISSUER?.trim()
      ? "oidc"
      : trustsForwardedHeaders(env)
        ? "trusted-proxy"
        : "anonymous";
    return { access: { access: asked }, problems: err.problems };
  }
  if (mode.kind === "oidc") {
    return {
      access: { access: "oidc", signIn: { issuer: mode.oidc.issuer, provider: mode.oidc.providerName } },
      problems: [],
    };
  }
  if (mode.kind === "trusted-proxy") return { access: { access: "trusted-proxy" }, problems: [] };
  return {
    access: { access: "anonymous", anonymousBy: mode.explicit ? "AUTH_MODE" : "default" },
    problems: [],
  };
}

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
