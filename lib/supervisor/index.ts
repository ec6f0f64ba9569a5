import type { BackgroundClient } from "@/lib/background";
import { createOpenAIClient, toBackgroundClient } from "./client";
import { loadSupervisorConfig, type SupervisorConfig } from "./config";

export { baseUrlFor, createOpenAIClient, toBackgroundClient } from "./client";
export {
  ConfigError,
  loadSupervisorConfig,
  type Provider,
  type SupervisorConfig,
  upstreamEchoesHistory,
} from "./config";

interface Supervisor {
  config: SupervisorConfig;
  client: BackgroundClient;
}

/** The process-wide provider: config read and checked once, one HTTP client reused by every request. */
export function getSupervisor(): Supervisor {
  const slot = globalThis as { __backgroundAgentChatSupervisor?: Supervisor };
  if (!slot.__backgroundAgentChatSupervisor) {
    const config = loadSupervisorConfig();
    slot.__backgroundAgentChatSupervisor = { config, client: toBackgroundClient(createOpenAIClient(config)) };
  }
  return slot.__backgroundAgentChatSupervisor;
}
