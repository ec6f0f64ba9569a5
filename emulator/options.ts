import type { EmulatorFlavor, EmulatorOptions, ResolvedEmulatorOptions } from "./types";

/** OpenAI keeps background responses about ten minutes; Databricks' retention is undocumented, so keep forever. */
const OPENAI_RETENTION_MS = 600_000;

const FLAVORS: readonly EmulatorFlavor[] = ["databricks", "openai"];

export function resolveOptions(options: EmulatorOptions = {}): ResolvedEmulatorOptions {
  const flavor = options.flavor ?? "databricks";
  if (!FLAVORS.includes(flavor)) {
    throw new Error(`Emulator flavor must be "databricks" or "openai", got ${JSON.stringify(flavor)}.`);
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
  const resolved: ResolvedEmulatorOptions = {
    flavor,
    timeScale,
    retentionMs,
    now: options.now ?? Date.now,
    echoApprovals: options.echoApprovals ?? false,
  };
  // An empty token would make every request fail with a header nobody can send; treat it as "no auth".
  if (options.token) resolved.token = options.token;
  return resolved;
}

/**
 * Reads EMULATOR_FLAVOR, EMULATOR_TIME_SCALE, EMULATOR_TOKEN, EMULATOR_RETENTION_MS and EMULATOR_ECHO_APPROVALS.
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
    if (flavor !== "databricks" && flavor !== "openai") {
      throw new Error(`EMULATOR_FLAVOR must be "databricks" or "openai", got ${JSON.stringify(flavor)}.`);
    }
    options.flavor = flavor;
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

  return options;
}
