import { systemClock } from "@/lib/background";
import { getChatStore } from "@/lib/db";
import { getSupervisor, upstreamEchoesHistory } from "@/lib/supervisor";
import type { TurnDeps } from "./respond";

/** Everything a chat route needs, wired from the environment once per process. */
export function getTurnDeps(): TurnDeps {
  const { config, client, tools, registry } = getSupervisor();
  return {
    store: getChatStore(),
    client,
    clock: systemClock,
    model: config.model,
    instructions: config.instructions,
    tools,
    registry,
    pollIntervalMs: config.pollIntervalMs,
    echoesHistory: upstreamEchoesHistory(config),
    streamBudgetMs: config.streamBudgetMs,
  };
}
