// Options of the `agent-bricks` flavour (an Agent Bricks runtime (DurableAgentServer) app). Owned by this folder.

/**
 * How a client names the conversation a run belongs to. `header`: the required `X-Databricks-Session-Id` header
 * (the runtime's L2 contract); `body`: an optional top-level `session_id` field (L3), the header being ignored.
 */
export type SessionContract = "header" | "body";

export interface CrashOptions {
  /** Chance (0–1) that any run's worker dies part-way through; the word "crash" in a question always does. */
  rate?: number;
  /**
   * Real ms during which a crashed run writes nothing before another worker takes it over (the runtime's stale
   * window); default 10 s × timeScale.
   */
  pauseMs?: number;
}

/** Knobs of the `agent-bricks` flavour. */
export interface AgentBricksOptions {
  /** Default `header`. */
  sessionContract?: SessionContract;
  crash?: CrashOptions;
  /**
   * Chance (0–1) that a create which starts a new run loses its answer: the run is accepted, the client sees a
   * dropped connection, and only a retry with the same id tells it what happened.
   */
  loseCreateAnswers?: number;
}

const CONTRACTS: readonly SessionContract[] = ["header", "body"];

/**
 * EMULATOR_BRICKS_SESSION (header|body), EMULATOR_BRICKS_CRASH_RATE, EMULATOR_BRICKS_CRASH_PAUSE_MS and
 * EMULATOR_BRICKS_LOSE_CREATE_ANSWERS; unset or empty variables are left out, invalid ones throw.
 */
export function agentBricksOptionsFromEnv(env: Record<string, string | undefined>): AgentBricksOptions {
  const options: AgentBricksOptions = {};
  const value = (name: string): string | undefined => {
    const raw = env[name]?.trim();
    return raw ? raw : undefined;
  };
  const contract = value("EMULATOR_BRICKS_SESSION")?.toLowerCase();
  if (contract !== undefined) {
    if (!(CONTRACTS as readonly string[]).includes(contract)) {
      throw new Error(
        `EMULATOR_BRICKS_SESSION must be "header" (X-Databricks-Session-Id) or "body" (a session_id field), got ${JSON.stringify(contract)}.`,
      );
    }
    options.sessionContract = contract as SessionContract;
  }
  const crash: CrashOptions = {};
  const rate = value("EMULATOR_BRICKS_CRASH_RATE");
  if (rate !== undefined) crash.rate = probability("EMULATOR_BRICKS_CRASH_RATE", rate);
  const pause = value("EMULATOR_BRICKS_CRASH_PAUSE_MS");
  if (pause !== undefined) crash.pauseMs = milliseconds("EMULATOR_BRICKS_CRASH_PAUSE_MS", pause);
  if (Object.keys(crash).length > 0) options.crash = crash;
  const lose = value("EMULATOR_BRICKS_LOSE_CREATE_ANSWERS");
  if (lose !== undefined)
    options.loseCreateAnswers = probability("EMULATOR_BRICKS_LOSE_CREATE_ANSWERS", lose);
  return options;
}

/** Checks and fills in defaults; throws an Error naming the bad option. */
export function resolveAgentBricksOptions(options: AgentBricksOptions = {}): AgentBricksOptions {
  const sessionContract = options.sessionContract ?? "header";
  if (!CONTRACTS.includes(sessionContract)) {
    throw new Error(
      `Emulator agentBricks.sessionContract must be "header" or "body", got ${JSON.stringify(sessionContract)}.`,
    );
  }
  const rate = options.crash?.rate ?? 0;
  checkProbability("agentBricks.crash.rate", rate);
  const pauseMs = options.crash?.pauseMs;
  if (pauseMs !== undefined && !(Number.isFinite(pauseMs) && pauseMs >= 0)) {
    throw new Error(
      `Emulator agentBricks.crash.pauseMs must be a non-negative number of milliseconds, got ${pauseMs}.`,
    );
  }
  const loseCreateAnswers = options.loseCreateAnswers ?? 0;
  checkProbability("agentBricks.loseCreateAnswers", loseCreateAnswers);
  // The pause's default depends on the emulator's timeScale, so it is filled in by the handler.
  return { sessionContract, crash: pauseMs === undefined ? { rate } : { rate, pauseMs }, loseCreateAnswers };
}

function checkProbability(name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(`Emulator ${name} must be a rate between 0 and 1, got ${String(value)}.`);
  }
}

function probability(name: string, raw: string): number {
  const parsed = Number(raw);
  if (!Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new Error(`${name} must be a rate between 0 and 1, got ${JSON.stringify(raw)}.`);
  }
  return parsed;
}

function milliseconds(name: string, raw: string): number {
  const parsed = Number(raw);
  if (!Number.isFinite(parsed) || parsed < 0) {
    throw new Error(`${name} must be a non-negative number of milliseconds, got ${JSON.stringify(raw)}.`);
  }
  return parsed;
}
