// Both pollers on a fake clock against the in-process emulator through the real `openai` SDK: where each one
// sees the end of a run of a given length, and how many retrieves it spent. Retrieves take no time here, so
// the numbers are the schedules' own, with nothing of the machine in them (the real-clock figures are the
// engine bench's, `bench/engine.ts`).

import { createEmulator } from "@/emulator";
import {
  createEchoFilter,
  pollBackgroundResponse,
  startBackgroundRun,
  userMessageItem,
} from "@/lib/background";
import { fakeClock } from "@/lib/background/testing";
import { loadSupervisorConfig } from "@/lib/supervisor";
import { createOpenAIClient, toBackgroundClient } from "@/lib/supervisor/client";
import { baselinePoll } from "./baseline";
import { timeScaleFor } from "./lag";

export interface SimulatedRun {
  /** The look that first showed the run over (virtual ms after create), minus the run's length. */
  endLagMs: number;
  retrieves: number;
  /** The look instants, virtual ms after create. */
  looks: number[];
}

const config = loadSupervisorConfig({
  SUPERVISOR_PROVIDER: "databricks",
  DATABRICKS_HOST: "http://upstream.sim",
  DATABRICKS_TOKEN: "t",
});

/** Follow one run of `question` lasting `lengthMs` with `poller` at the steady interval `intervalMs`. */
export async function simulateRun(
  poller: "ours" | "baseline",
  question: string,
  lengthMs: number,
  intervalMs = 2000,
): Promise<SimulatedRun> {
  const clock = fakeClock(0);
  const emulator = createEmulator({
    flavor: "databricks",
    timeScale: timeScaleFor(question, lengthMs),
    now: () => clock.now(),
  });
  const looks: number[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    if (request.method === "GET") looks.push(clock.now());
    return emulator.handle(request);
  };
  const client = toBackgroundClient(createOpenAIClient(config, { fetch }));
  const input = [userMessageItem(question)];
  const echo = createEchoFilter(input);
  if (poller === "baseline") {
    const created = await client.create({ model: "m", input, background: true, stream: false });
    for await (const _ of baselinePoll({ client, clock, responseId: created.id, echo }));
  } else {
    const started = await startBackgroundRun(client, { model: "m", input });
    const events = pollBackgroundResponse({
      client,
      clock,
      responseId: started.response.id,
      echo,
      initial: started.response,
      intervalMs,
    });
    for await (const _ of events);
  }
  // Both stop looking once a look shows the run over: the last look is the one that saw the end.
  return { endLagMs: (looks.at(-1) ?? Number.NaN) - lengthMs, retrieves: looks.length, looks };
}
