// Options of the `databricks-agent` flavour (a LongRunningAgentServer app). Owned by this folder.

/** Worker crashes: the run's worker dies part-way and another one resumes it (`response.resumed`). */
export interface AgentServerCrashOptions {
  /** Share (0–1) of background runs whose worker dies once; default 0. The word "crash" always crashes a run. */
  rate?: number;
  /**
   * When the worker dies, in real ms after the create; default: halfway through the run's longest message, or
   * 40 % into its working phase when it writes none.
   */
  afterMs?: number;
  /**
   * Real ms of silence before another worker takes the run over; default 10 s of scenario time (10,000 ×
   * timeScale), the real server's heartbeat-stale window.
   */
  pauseMs?: number;
}

/** Knobs of the `databricks-agent` flavour. */
export type AgentServerOptions = {
  /**
   * Whether the app has its Lakebase database; default true. Without it `background` is ignored (every create
   * is answered when its run is over) and `GET …/responses/{id}` answers 501.
   */
  lakebase?: boolean;
  crash?: AgentServerCrashOptions;
};

/**
 * The flavour's options from the environment: EMULATOR_AGENT_LAKEBASE (true or false),
 * EMULATOR_AGENT_CRASH_RATE, EMULATOR_AGENT_CRASH_AFTER_MS and EMULATOR_AGENT_CRASH_PAUSE_MS. Unset or empty
 * variables are left out; a bad value throws an Error naming its variable.
 */
export function agentServerOptionsFromEnv(env: Record<string, string | undefined>): AgentServerOptions {
  const options: AgentServerOptions = {};
  const value = (name: string): string | undefined => env[name]?.trim() || undefined;

  const lakebase = value("EMULATOR_AGENT_LAKEBASE")?.toLowerCase();
  if (lakebase !== undefined) {
    if (!["true", "false", "1", "0"].includes(lakebase)) {
      throw new Error(`EMULATOR_AGENT_LAKEBASE must be "true" or "false", got ${JSON.stringify(lakebase)}.`);
    }
    options.lakebase = lakebase === "true" || lakebase === "1";
  }

  const crash: AgentServerCrashOptions = {};
  const rate = value("EMULATOR_AGENT_CRASH_RATE");
  if (rate !== undefined) {
    const parsed = Number(rate);
    if (!isRate(parsed)) {
      throw new Error(
        `EMULATOR_AGENT_CRASH_RATE must be a share of runs between 0 and 1 (e.g. 0.1), got ${JSON.stringify(rate)}.`,
      );
    }
    crash.rate = parsed;
  }
  for (const [name, key] of [
    ["EMULATOR_AGENT_CRASH_AFTER_MS", "afterMs"],
    ["EMULATOR_AGENT_CRASH_PAUSE_MS", "pauseMs"],
  ] as const) {
    const raw = value(name);
    if (raw === undefined) continue;
    const parsed = Number(raw);
    if (!isDuration(parsed)) {
      throw new Error(`${name} must be a non-negative number of milliseconds, got ${JSON.stringify(raw)}.`);
    }
    crash[key] = parsed;
  }
  if (Object.keys(crash).length > 0) options.crash = crash;
  return options;
}

/** Checks and fills in defaults; throws an Error naming the bad option. */
export function resolveAgentServerOptions(options: AgentServerOptions = {}): AgentServerOptions {
  const where = "Emulator agentServer";
  const { lakebase = true, crash = {} } = options;
  if (typeof lakebase !== "boolean") {
    throw new Error(`${where}.lakebase must be true or false, got ${JSON.stringify(lakebase)}.`);
  }
  const { rate = 0, afterMs, pauseMs } = crash;
  if (!isRate(rate)) throw new Error(`${where}.crash.rate must be between 0 and 1, got ${String(rate)}.`);
  for (const [name, duration] of [
    ["afterMs", afterMs],
    ["pauseMs", pauseMs],
  ] as const) {
    if (duration !== undefined && !isDuration(duration)) {
      throw new Error(`${where}.crash.${name} must be a non-negative number of ms, got ${String(duration)}.`);
    }
  }
  return {
    lakebase,
    crash: {
      rate,
      ...(afterMs === undefined ? {} : { afterMs }),
      ...(pauseMs === undefined ? {} : { pauseMs }),
    },
  };
}

function isRate(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 && value <= 1;
}

function isDuration(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}
