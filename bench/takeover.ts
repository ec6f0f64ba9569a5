// Part "takeover" of `npm run bench`: two app instances on one PostgreSQL, a batch of runs followed by the
// first (their browsers' streams are on it), then the first killed (SIGKILL, as a crash or an OOM kill would):
// how long until the second has taken over each of its runs, and does every run still end once, complete.

import { randomBytes } from "node:crypto";
import pg from "pg";
import { startApp } from "@/scripts/soak/app";
import { runTurn, sessionCookie } from "./concurrency-client";
import { questionFor } from "./concurrency-plan";
import { startThrowawayPostgres } from "./concurrency-postgres";
import { startBenchEmulator } from "./concurrency-processes";
import { timeScaleFor } from "./lag";
import type { BenchSection } from "./report";
import { percentile, table } from "./report";

/** Ports of this part (the bench's range is 3400–3499). */
const EMULATOR_PORT = 3431;
const POSTGRES_PORT = 3432;
const APP_PORTS = [3433, 3434] as const;

const RUNS = Number(process.env.BENCH_TAKEOVER_RUNS ?? "100");
/** Long enough that every run is still going when the first instance dies, and a while after. */
const TASK_MS = 40_000;
const POLL_INTERVAL_MS = 2000;
/** The goal: every run taken over within two steady poll intervals of the kill. */
const GOAL_MS = 2 * POLL_INTERVAL_MS;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runTakeoverBench(log: (line: string) => void): Promise<BenchSection> {
  const postgres = startThrowawayPostgres(POSTGRES_PORT);
  if (!postgres)
    throw new Error("The takeover bench needs PostgreSQL's server binaries (apt-get install postgresql).");
  const url = postgres.createDatabase("bench_takeover");
  const emulator = await startBenchEmulator(EMULATOR_PORT, timeScaleFor(questionFor(0), TASK_MS));
  const db = new pg.Client({ connectionString: url });
  const apps: Awaited<ReturnType<typeof startApp>>[] = [];
  try {
    const { DATABASE_URL: _ignored, ...inherited } = process.env;
    const secret = randomBytes(24).toString("hex");
    // One at a time: the first applies the migrations.
    for (const port of APP_PORTS) {
      apps.push(
        await startApp({
          cwd: process.cwd(),
          port,
          readyTimeoutMs: 120_000,
          env: {
            ...(inherited as Record<string, string>),
            NEXT_TELEMETRY_DISABLED: "1",
            SUPERVISOR_PROVIDER: "databricks",
            // Open on purpose (a server of the tests' own on loopback): a real provider would otherwise refuse to start.
            AUTH_MODE: "anonymous",
            DATABRICKS_HOST: emulator.url,
            DATABRICKS_TOKEN: emulator.token,
            SUPERVISOR_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
            SESSION_SECRET: secret,
            DATABASE_URL: url,
          },
        }),
      );
    }
    await db.connect();
    const first = apps[0] as (typeof apps)[number];
    const cookie = await sessionCookie(first.url);
    log(`  ${RUNS} runs on the first instance…`);
    const ids = Array.from({ length: RUNS }, () => crypto.randomUUID());
    const turns = ids.map((id, index) =>
      runTurn(first.url, cookie, id, questionFor(index), { onInFlight() {} }),
    );
    const followers = async () => {
      const { rows } = await db.query<{
        chat_id: string;
        follower: string | null;
        state: string;
        response_id: string | null;
        error: string | null;
      }>(
        "select distinct on (chat_id) chat_id, follower, state, response_id, error from runs where chat_id = any($1) order by chat_id, id desc",
        [ids],
      );
      return rows;
    };
    // Every run under way upstream (its create answered: a create still in flight when its instance dies is
    // never sent again, and its run ends as interrupted) and followed by the first instance's streams.
    const underWay = (r: { follower: string | null; state: string; response_id: string | null }) =>
      r.follower && r.state === "running" && r.response_id;
    let before = await followers();
    for (let i = 0; i < 600 && !(before.length === RUNS && before.every(underWay)); i++) {
      await sleep(100);
      before = await followers();
    }
    const dead = before[0]?.follower;
    if (!dead || !before.every((r) => r.follower === dead))
      throw new Error("the runs are not all on the first instance");

    log("  killing the first instance…");
    const killedAt = Date.now();
    process.kill(first.pid, "SIGKILL");
    const takenAt = new Map<string, number>();
    while (takenAt.size < RUNS && Date.now() - killedAt < 60_000) {
      for (const row of await followers())
        if (!takenAt.has(row.chat_id) && (row.follower !== dead || row.state !== "running"))
          takenAt.set(row.chat_id, Date.now() - killedAt);
      await sleep(50);
    }
    await Promise.all(turns);
    // Each run ends once, with its whole answer stored once.
    let ended = await followers();
    for (let i = 0; i < 1200 && ended.some((r) => r.state === "running"); i++) {
      await sleep(100);
      ended = await followers();
    }
    const completed = ended.filter((r) => r.state === "completed").length;
    const why = new Map<string, number>();
    for (const f of ended.filter((r) => r.state !== "completed")) {
      const key = `${f.state}: ${f.error ?? "(no error)"}`;
      why.set(key, (why.get(key) ?? 0) + 1);
    }
    for (const [key, n] of why) log(`    ${n}× ${key}`);
    const { rows: answers } = await db.query<{ chat_id: string; n: string }>(
      `select chat_id, count(*) as n from messages where chat_id = any($1) and role = 'assistant' group by chat_id`,
      [ids],
    );
    const once = answers.filter((a) => Number(a.n) === 1).length;
    const times = [...takenAt.values()];
    const cells = [
      String(RUNS),
      `${takenAt.size}/${RUNS}`,
      `${percentile(times, 0.5)} / ${percentile(times, 0.95)} / ${Math.max(...times)} ms`,
      `${completed}/${RUNS}`,
      `${once}/${RUNS}`,
    ];
    log(cells.join(" | "));
    const slowest = Math.max(...times);
    return {
      id: "takeover",
      title: "Takeover: a killed instance's runs, followed on by another",
      intro:
        "Two `next start` instances on one PostgreSQL; runs whose browsers' streams are on the first; the first killed mid-run. How long until the second follows each run, and does every run still end once.",
      goals: [
        [
          takenAt.size === RUNS && slowest < GOAL_MS,
          `every run taken over within 2 steady intervals (${GOAL_MS} ms) of the kill: ${takenAt.size}/${RUNS}, slowest ${slowest} ms`,
        ],
        [
          completed === RUNS && once === RUNS,
          `every run completes, its answer stored once: ${completed}/${RUNS}, ${once}/${RUNS}`,
        ],
      ],
      body: `### Runs taken over

${RUNS} chats are started on the first instance (\`bench/concurrency-client.ts\`, a stream each, the plain scenario made
to take ${TASK_MS / 1000} s by the standalone emulator, \`SUPERVISOR_POLL_INTERVAL_MS=${POLL_INTERVAL_MS}\`), on a throwaway PostgreSQL
(\`bench/concurrency-postgres.ts\`) both instances share. Once every run is under way upstream (its create answered
and its response id stored) with the first instance as its follower (\`runs.follower\`), the first is killed with
SIGKILL (a create still in flight then is never sent again: RELIABILITY.md, "Several instances, one killed"); the database is read every 50 ms until each run's
follower is another instance (or the run ended). An instance is given up on after 2.5 s without a heartbeat, and
each instance sweeps every second (lib/chat/followers.ts), so the expected worst case is about 3.5 s.

${table(["runs", "taken over", "after the kill: p50 / p95 / max", "completed", "answer stored once"], [cells])}
`,
    };
  } finally {
    await db.end().catch(() => undefined);
    for (const app of apps) await app.stop().catch(() => undefined);
    await emulator.stop();
    postgres.stop();
  }
}
