// Options of the `databricks-agent` flavour (a LongRunningAgentServer app). Owned by this folder.

/** Knobs of the `databricks-agent` flavour. */
// biome-ignore lint/complexity/noBannedTypes: filled in by the flavour's implementation.
export type AgentServerOptions = {};

/** The flavour's options from the environment (EMULATOR_AGENT_* variables); empty when none is set. */
export function agentServerOptionsFromEnv(_env: Record<string, string | undefined>): AgentServerOptions {
  return {};
}

/** Checks and fills in defaults; throws an Error naming the bad option. */
export function resolveAgentServerOptions(options: AgentServerOptions = {}): AgentServerOptions {
  return options;
}
