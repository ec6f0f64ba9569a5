import { agentBricksOptionsFromEnv, resolveAgentBricksOptions } from "./agent-bricks/options";
import { agentServerOptionsFromEnv, resolveAgentServerOptions } from "./agent-server/options";
import { checkFaultTable, parseFaultRules, parseLatency } from "./faults";
import type { EmulatorFlavor, EmulatorOptions, FaultOptions, ResolvedEmulatorOptions } from "./types";
import type { WebhookOptions } from "./webhooks";

/** OpenAI keeps background responses about ten minutes; Databricks' retention is undocumented, so keep forever. */
const OPENAI_RETENTION_MS = 600_000;

const FLAVORS: readonly EmulatorFlavor[] = ["databricks", "openai", "databricks-agent", "agent-bricks"];
const FLAVOR_CHOICES = '"databricks", "openai", "databricks-agent" or "agent-bricks"';

export function resolveOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const flavor = options.flavor ?? "databricks";
  if (!FLAVORS.includes(flavor)) {
    throw new Error(`Emulator flavor must be ${FLAVOR_CHOICES}, got ${JSON.stringify(flavor)}.`);
  }
  const timeScale = options.timeScale ?? 1;
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new Error(`Emulator timeScale must be a positive number, got ${timeScale}.`);
  }
  const retentionMs =
    options.retentionMs ?? (flavor === "openai" ? OPENAI_RETENTION_MS : Number.POSITIVE_INFINITY);
  if (Number.isNaN(retentionMs) || retentionMs <= 0) {
    throw new Error(`Emulator retentionMs must be a positive number of milliseconds, got ${retentionMs}.`);
  }
  const faults = options.faults ?? {};
  checkFaultOptions(faults);
  const { latency } = options;
  if (
    latency &&
    (!Number.isFinite(latency.minMs) ||
      !Number.isFinite(latency.maxMs) ||
      latency.minMs < 0 ||
      latency.maxMs < latency.minMs)
  ) {
    throw new Error(`Emulator latency must be 0 <= minMs <= maxMs, got ${JSON.stringify(latency)}.`);
  }
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  if (!Number.isInteger(seed)) throw new Error(`Emulator seed must be an integer, got ${seed}.`);
  const apps = options.apps ?? [];
  for (const name of apps) {
    if (!/^[a-z0-9-]{1,63}$/.test(name))
      throw new Error(
        `Emulator app names are lower-case letters, digits and '-', got ${JSON.stringify(name)}.`,
      );
  }
  const resolved: ResolvedEmulatorOptions = {
    flavor,
    timeScale,
    retentionMs,
    now: options.now ?? Date.now,
    echoApprovals: options.echoApprovals ?? false,
    faults,
    seed,
    apps,
    agentServer: resolveAgentServerOptions(options.agentServer),
    agentBricks: resolveAgentBricksOptions(options.agentBricks),
  };
  if (latency && latency.maxMs > 0) resolved.latency = latency;
  // An empty token would make every request fail with a header nobody can send; treat it as "no auth".
  if (options.token) resolved.token = options.token;
  if (options.servicePrincipal) resolved.servicePrincipal = options.servicePrincipal;
  if (options.webhooks) {
    if (flavor !== "openai") throw new Error("Emulator webhooks are OpenAI's: they need the openai flavour.");
    if (!options.webhooks.secret) throw new Error("Emulator webhooks need the endpoint's signing secret.");
    resolved.webhooks = options.webhooks;
  }
  return resolved;
}

function checkFaultOptions(faults: FaultOptions, where = "Emulator faults"): void {
  checkFaultTable(faults.rates, where);
  for (const [scenario, table] of Object.entries(faults.scenarios ?? {})) {
    checkFaultTable(table, `${where} for scenario ${JSON.stringify(scenario)}`);
  }
  for (const [name, value] of [
    ["retryAfterSeconds", faults.retryAfterSeconds],
    ["slowMs", faults.slowMs],
    ["streamCutMs", faults.streamCutMs],
  ] as const) {
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) {
      throw new Error(`Emulator faults.${name} must be a non-negative number, got ${value}.`);
    }
  }
}

/**
 * Reads EMULATOR_FLAVOR, EMULATOR_TIME_SCALE, EMULATOR_TOKEN, EMULATOR_RETENTION_MS, EMULATOR_ECHO_APPROVALS,
 * EMULATOR_APPS, the fault knobs EMULATOR_FAULTS, EMULATOR_LATENCY_MS, EMULATOR_SEED, EMULATOR_RETRY_AFTER_S,
 * EMULATOR_SLOW_MS, EMULATOR_STREAM_CUT_MS, the webhooks' EMULATOR_WEBHOOK_URL, EMULATOR_WEBHOOK_SECRET (default:
 * OPENAI_WEBHOOK_SECRET, the app's) and EMULATOR_WEBHOOK_FAULTS (`twice`, `late=<ms>`, `forged`, comma-separated),
 * and each agent flavour's own (agent-server/, agent-bricks/).
 * Unset or empty variables are left out so the defaults of `createEmulator` apply; invalid values throw.
 */
export function emulatorOptionsFromEnv(
  env: Record<string, string | undefined> = process.env,
): EmulatorOptions {
  const options: EmulatorOptions = {};
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };

  const flavor = value("EMULATOR_FLAVOR")?.toLowerCase();
  if (flavor !== undefined) {
    if (!(FLAVORS as readonly string[]).includes(flavor)) {
      throw new Error(`EMULATOR_FLAVOR must be ${FLAVOR_CHOICES}, got ${JSON.stringify(flavor)}.`);
    }
    options.flavor = flavor as EmulatorFlavor;
  }

  const timeScale = value("EMULATOR_TIME_SCALE");
  if (timeScale !== undefined) {
    const parsed = Number(timeScale);
    if (!Number.isFinite(parsed) || parsed <= 0) {
      throw new Error(
        `EMULATOR_TIME_SCALE must be a positive number (1 = real time, 0.05 = 20x faster), got ${JSON.stringify(timeScale)}.`,
      );
    }
    options.timeScale = parsed;
  }

  const token = value("EMULATOR_TOKEN");
  if (token !== undefined) options.token = token;
  const clientId = value("EMULATOR_CLIENT_ID");
  const clientSecret = value("EMULATOR_CLIENT_SECRET");
  if (clientId !== undefined || clientSecret !== undefined) {
    if (!clientId || !clientSecret)
      throw new Error("EMULATOR_CLIENT_ID and EMULATOR_CLIENT_SECRET go together (a service principal).");
    const lifetime = value("EMULATOR_TOKEN_LIFETIME_S");
    const tokenLifetimeS = lifetime === undefined ? undefined : Number(lifetime);
    if (tokenLifetimeS !== undefined && !(Number.isFinite(tokenLifetimeS) && tokenLifetimeS > 0))
      throw new Error(
        `EMULATOR_TOKEN_LIFETIME_S must be a positive number of seconds, got ${JSON.stringify(lifetime)}.`,
      );
    options.servicePrincipal = { clientId, clientSecret, ...(tokenLifetimeS ? { tokenLifetimeS } : {}) };
  }

  const retention = value("EMULATOR_RETENTION_MS");
  if (retention !== undefined) {
    const parsed = /^infinity$/i.test(retention) ? Number.POSITIVE_INFINITY : Number(retention);
    if (Number.isNaN(parsed) || parsed <= 0) {
      throw new Error(
        `EMULATOR_RETENTION_MS must be a positive number of milliseconds or "Infinity", got ${JSON.stringify(retention)}.`,
      );
    }
    options.retentionMs = parsed;
  }

  const echo = value("EMULATOR_ECHO_APPROVALS")?.toLowerCase();
  if (echo !== undefined) {
    if (!["true", "false", "1", "0"].includes(echo)) {
      throw new Error(`EMULATOR_ECHO_APPROVALS must be "true" or "false", got ${JSON.stringify(echo)}.`);
    }
    options.echoApprovals = echo === "true" || echo === "1";
  }

  const faults: FaultOptions = {};
  const rules = value("EMULATOR_FAULTS");
  if (rules !== undefined) {
    Object.assign(faults, parseFaultRules(rules, "EMULATOR_FAULTS"));
    checkFaultOptions(faults, "EMULATOR_FAULTS");
  }
  const retryAfter = value("EMULATOR_RETRY_AFTER_S");
  if (retryAfter !== undefined) faults.retryAfterSeconds = nonNegative("EMULATOR_RETRY_AFTER_S", retryAfter);
  const slow = value("EMULATOR_SLOW_MS");
  if (slow !== undefined) faults.slowMs = nonNegative("EMULATOR_SLOW_MS", slow);
  const cut = value("EMULATOR_STREAM_CUT_MS");
  if (cut !== undefined) faults.streamCutMs = nonNegative("EMULATOR_STREAM_CUT_MS", cut);
  if (Object.keys(faults).length > 0) options.faults = faults;

  const latency = value("EMULATOR_LATENCY_MS");
  if (latency !== undefined) options.latency = parseLatency(latency, "EMULATOR_LATENCY_MS");

  const apps = value("EMULATOR_APPS");
  if (apps !== undefined)
    options.apps = apps
      .split(",")
      .map((name) => name.trim())
      .filter(Boolean);

  const agentServer = agentServerOptionsFromEnv(env);
  if (Object.keys(agentServer).length > 0) options.agentServer = agentServer;
  const agentBricks = agentBricksOptionsFromEnv(env);
  if (Object.keys(agentBricks).length > 0) options.agentBricks = agentBricks;

  const seed = value("EMULATOR_SEED");
  if (seed !== undefined) {
    const parsed = Number(seed);
    if (!Number.isInteger(parsed) || parsed < 0 || parsed >= 2 ** 32) {
      throw new Error(
        `EMULATOR_SEED must be a whole number from 0 to 4294967295, got ${JSON.stringify(seed)}.`,
      );
    }
    options.seed = parsed;
  }

  const webhooks = webhookOptionsFromEnv(value);
  if (webhooks) options.webhooks = webhooks;
  return options;
}

function webhookOptionsFromEnv(value: (name: string) => string | undefined): WebhookOptions | undefined {
  const url = value("EMULATOR_WEBHOOK_URL");
  const faults = value("EMULATOR_WEBHOOK_FAULTS");
  if (!url) {
    if (faults)
      throw new Error("EMULATOR_WEBHOOK_FAULTS needs EMULATOR_WEBHOOK_URL (where the webhooks go).");
    return undefined;
  }
  if (!URL.canParse(url)) throw new Error(`EMULATOR_WEBHOOK_URL must be a URL, got ${JSON.stringify(url)}.`);
  const secret = value("EMULATOR_WEBHOOK_SECRET") ?? value("OPENAI_WEBHOOK_SECRET");
  if (!secret)
    throw new Error(
      "EMULATOR_WEBHOOK_URL needs EMULATOR_WEBHOOK_SECRET (or OPENAI_WEBHOOK_SECRET) to sign with.",
    );
  const options: WebhookOptions = { url, secret };
  for (const fault of (faults ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter(Boolean)) {
    const [name, raw] = fault.split("=", 2);
    if (name === "twice" && raw === undefined) options.twice = true;
    else if (name === "forged" && raw === undefined) options.forged = true;
    else if (name === "late" && raw !== undefined)
      options.lateMs = nonNegative("EMULATOR_WEBHOOK_FAULTS late", raw);
    else
      throw new Error(
        `EMULATOR_WEBHOOK_FAULTS takes "twice", "late=<ms>" and "forged", comma-separated; got ${JSON.stringify(fault)}.`,
      );
  }
  return options;
}

function nonNegative(name: string, raw: string): number {
  const parsed = Number(raw);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new Error(`${name} must be a non-negative number, got ${JSON.stringify(raw)}.`);
  }
  return parsed;
}
