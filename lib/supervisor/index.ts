import type { BackgroundClient } from "@/lib/background";
import { createToolRegistry, defaultToolRegistry, type ToolRegistry } from "@/lib/tools";
import { agentKindOf, createUpstreamClient } from "./client";
import { loadSupervisorConfig, type SupervisorConfig } from "./config";

export {
  agentKindOf,
  baseUrlFor,
  createOpenAIClient,
  createUpstreamClient,
  toBackgroundClient,
} from "./client";
export {
  ConfigError,
  loadSupervisorConfig,
  type Provider,
  type SupervisorConfig,
  upstreamEchoesHistory,
} from "./config";

import { processState } from "@/lib/process-state";

export {
  clientForRequest,
  FORWARDED_TOKEN_HEADER,
  forwardedAccessToken,
  mayRunOnBehalfOfUsers,
} from "./on-behalf-of";

interface Supervisor {
  config: SupervisorConfig;
  client: BackgroundClient;
  /** The app's own function tools (empty when SUPERVISOR_CLIENT_TOOLS=off). */
  registry: ToolRegistry;
  /** Every tool offered on create: hosted ones from the tools file, then the app's function tools. */
  tools: unknown[];
}

/** The process-wide provider: config read and checked once, one HTTP client reused by every request. */
export function getSupervisor(): Supervisor {
  return processState("supervisor", (): Supervisor => {
    const config = loadSupervisorConfig();
    // An agent server runs its own tools and takes none from the app.
    const agent = agentKindOf(config) !== undefined;
    const registry = config.clientTools && !agent ? defaultToolRegistry : createToolRegistry([]);
    return {
      config,
      client: createUpstreamClient(config),
      registry,
      tools: agent ? [] : [...config.hostedTools, ...registry.definitions()],
    };
  });
}

/**
 * The app answers from its embedded emulator (nothing configured, or SUPERVISOR_PROVIDER=emulator): the start
 * page says so, so nobody takes its scripted answers for an agent's. False when the configuration is broken (the
 * first turn says what is wrong).
 */
export function runsOnEmulator(): boolean {
  try {
    return getSupervisor().config.provider === "emulator";
  } catch {
    return false;
  }
}
