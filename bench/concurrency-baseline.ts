// The concurrency bench's baseline: N runs of the fixed-poll recipe (bench/baseline.ts: first retrieve 1 s after
// create, then every 2 s, words revealed one per 10 ms) in a plain Node process, over the real `openai` SDK,
// against the same standalone emulator as the app. No web server, no database, no browser streams: the least a
// process following N background runs has to do. Started by concurrency.ts with the same instrument as the app;
// reports each run's progress over IPC (DriverEvent).

import { type BackgroundClient, createEchoFilter, userMessageItem } from "@/lib/background";
import { loadSupervisorConfig, toBackgroundClient } from "@/lib/supervisor";
import { createOpenAIClient } from "@/lib/supervisor/client";
import { baselinePoll, timerClock } from "./baseline";
import { type DriverEvent, questionFor, startOffsetMs } from "./concurrency-plan";

async function runOne(upstream: BackgroundClient, index: number): Promise<DriverEvent> {
  let text = "";
  let inFlight = false;
  // Under way upstream once a retrieve answered, as the app's stream reports its first status past "submitting".
  const client: BackgroundClient = {
    ...upstream,
    retrieve: async (responseId, options) => {
      const response = await upstream.retrieve(responseId, options);
      if (!inFlight) {
        inFlight = true;
        send({ type: "in-flight", index });
      }
      return response;
    },
  };
  try {
    const input = [userMessageItem(questionFor(index))];
    const created = await client.create({ model: "m", input, background: true, stream: false });
    let status = "unknown";
    for await (const event of baselinePoll({
      client,
      clock: timerClock,
      responseId: created.id,
      echo: createEchoFilter(input),
    })) {
      if (event.type === "delta") text += event.delta;
      else if (event.type === "end") status = event.status;
    }
    return { type: "done", index, ok: status === "completed", text };
  } catch (error) {
    return { type: "done", index, ok: false, text, error: String(error) };
  }
}

function send(event: DriverEvent) {
  process.send?.(event);
}

async function main() {
  const runs = Number(process.env.BENCH_BASELINE_RUNS);
  const config = loadSupervisorConfig({
    SUPERVISOR_PROVIDER: "databricks",
    // Open on purpose (a server of the tests' own on loopback): a real provider would otherwise refuse to start.
    AUTH_MODE: "anonymous",
    DATABRICKS_HOST: process.env.BENCH_BASELINE_HOST,
    DATABRICKS_TOKEN: process.env.BENCH_BASELINE_TOKEN,
  });
  const client = toBackgroundClient(createOpenAIClient(config));
  const started = Date.now();
  await Promise.all(
    Array.from({ length: runs }, async (_, index) => {
      await timerClock.sleep(Math.max(0, started + startOffsetMs(index) - Date.now()));
      send(await runOne(client, index));
    }),
  );
}

// Waits for the go (the bench first records this process's idle memory), then stays until the bench lets go:
// the bench reads the instrument's last figures after the last run.
let going = false;
process.on("message", () => {
  if (going) return;
  going = true;
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
});
process.on("disconnect", () => process.exit(0));
