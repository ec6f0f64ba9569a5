// Options of the `agent-bricks` flavour (an Agent Bricks runtime (DurableAgentServer) app). Owned by this folder.

/** Knobs of the `agent-bricks` flavour. */
// biome-ignore lint/complexity/noBannedTypes: filled in by the flavour's implementation.
export type AgentBricksOptions = {};

/** The flavour's options from the environment (EMULATOR_BRICKS_* variables); empty when none is set. */
export function agentBricksOptionsFromEnv(_env: Record<string, string | undefined>): AgentBricksOptions {
  return {};
}

/** Checks and fills in defaults; throws an Error naming the bad option. */
export function resolveAgentBricksOptions(options: AgentBricksOptions = {}): AgentBricksOptions {
  return options;
}
