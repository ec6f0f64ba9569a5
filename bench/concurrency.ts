// Part "concurrency" of `npm run bench`: 200 / 500 / 1000 simultaneous runs in one `next start` process against
// the standalone emulator (its own process), driven through the real HTTP API, with event-loop delay, memory and
// CPU measured inside the app's process (concurrency-instrument.mjs via NODE_OPTIONS, no app code changed); the
// same for the fixed-poll baseline in a plain Node process. PGlite (the default database) always, PostgreSQL
// too when its server binaries are installed. About four minutes per database and level, the 1000-run level three
// times (BENCH_CONCURRENCY_GOAL_REPEATS), plus the build. BENCH_APP_NODE_OPTIONS adds Node flags to the app (trials).

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startApp } from "@/scripts/soak/app";
import { runTurn, sessionCookie, storedAnswer } from "./concurrency-client";
import { type LevelResult, measureLevel } from "./concurrency-measure";
import { type DriverEvent, questionFor, STARTS_PER_SECOND, startOffsetMs } from "./concurrency-plan";
import { startThrowawayPostgres } from "./concurrency-postgres";
import { INSTRUMENT, spawnTs, startBenchEmulator, stopChild } from "./concurrency-processes";
import { timeScaleFor } from "./lag";
import type { BenchSection, Goal } from "./report";
import { table } from "./report";

/** Ports of this part (the bench's range is 3400–3499). */
const APP_PORT = 3410;
const EMULATOR_PORT = 3411;
const POSTGRES_PORT = 3412;

const LEVELS = (process.env.BENCH_CONCURRENCY_LEVELS ?? "200,500,1000").split(",").map(Number);
/** Every run's upstream duration: long enough that the last run starts well before the first ends. */
const TASK_MS = Number(process.env.BENCH_CONCURRENCY_TASK_S ?? "90") * 1000;
const POLL_INTERVAL_MS = 2000;
const GOAL_RUNS = 1000;
const GOAL_P99_MS = 20;
const GOAL_KB_PER_RUN = 150;
const WARM_UP_CHATS = 10;
/**
 * The goal level is measured this many times per database (a fresh app, emulator and database each), and its
 * goals judged on the median: one window's p99 moved by ±10 ms between runs of the same code on this machine.
 */
const GOAL_REPEATS = Number(process.env.BENCH_CONCURRENCY_GOAL_REPEATS ?? "3");
const profileDir = process.env.BENCH_CONCURRENCY_CPU_PROF ?? process.env.BENCH_CONCURRENCY_ALLOC_PROF;
/**
 * A sampling heap profile (old-generation garbage included; with BENCH_ALLOC_PROFILE_ALL=1 what scavenges
 * collect too, i.e. everything allocated) instead of a CPU profile.
 */
const allocationProfile =
  !process.env.BENCH_CONCURRENCY_CPU_PROF && !!process.env.BENCH_CONCURRENCY_ALLOC_PROF;
const profileExtension = allocationProfile ? "heapprofile" : "cpuprofile";

type Row = { engine: string; database: string; result: LevelResult; attempt?: { of: number; n: number } };

/** Each level once, the goal level GOAL_REPEATS times. */
const attemptsOf = (runs: number) => (runs === GOAL_RUNS ? Math.max(1, GOAL_REPEATS) : 1);

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (index: number) => sorted[index] ?? Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? at(middle) : (at(middle - 1) + at(middle)) / 2;
};

/** Ask the instrument for the profile of the measured window and keep it as `target`. */
async function saveProfile(instrumentDir: string, pid: number, target: string) {
  writeFileSync(join(instrumentDir, "profile"), "");
  const written = join(instrumentDir, `${pid}.${profileExtension}`);
  for (let i = 0; i < 100 && !existsSync(written); i++) await sleep(100);
  if (existsSync(written)) copyFileSync(written, target);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const fixed = (value: number | undefined, digits = 1) =>
  value === undefined || Number.isNaN(value) ? "–" : value.toFixed(digits);

function build(log: (line: string) => void) {
  if (process.env.BENCH_SKIP_BUILD === "1") {
    log("BENCH_SKIP_BUILD=1: using the existing .next build");
    return;
  }
  log("next build…");
  const result = spawnSync("npx", ["next", "build"], { stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`next build failed (exit code ${result.status})`);
}

/** Chats of the `instant` scenario (no polling): every route, the database and the stream code are loaded. */
async function warmUp(url: string, cookie: string) {
  const turns = Array.from({ length: WARM_UP_CHATS }, () =>
    runTurn(url, cookie, crypto.randomUUID(), "Answer this instantly, please.", { onInFlight() {} }),
  );
  for (const outcome of await Promise.all(turns)) {
    if (!outcome.finished) throw new Error(`a warm-up chat did not finish: ${outcome.error ?? "no finish"}`);
  }
}

/**
 * `browser`: each run's stream is read to its end, as an open tab does. `nobody`: each stream is closed once the
 * run is in flight, as a closed tab does; the server follows the run on by itself (lib/chat/followers.ts), and
 * the run counts as in flight once that takes over (ADOPT_AFTER_MS later) and as done when its chat, read back
 * as a returning browser would (the JSON export), has the whole answer.
 */
type Watching = "browser" | "nobody";

/** Past the server's grace before it follows a run whose stream ended (ADOPT_AFTER_MS, 3 s). */
const ADOPTED_AFTER_MS = 3_500;

async function measureApp(
  runs: number,
  database: { name: string; env: Record<string, string> },
  log: (line: string) => void,
  watching: Watching = "browser",
): Promise<LevelResult> {
  const instrumentDir = mkdtempSync(join(tmpdir(), "bac-bench-instrument-"));
  const pgliteDir = mkdtempSync(join(tmpdir(), "bac-bench-pglite-"));
  const emulator = await startBenchEmulator(EMULATOR_PORT, timeScaleFor(questionFor(0), TASK_MS));
  const { DATABASE_URL: _ignored, ...inherited } = process.env;
  const app = await startApp({
    cwd: process.cwd(),
    port: APP_PORT,
    readyTimeoutMs: 120_000,
    env: {
      ...(inherited as Record<string, string>),
      NODE_OPTIONS: `--import ${INSTRUMENT} ${process.env.BENCH_APP_NODE_OPTIONS ?? ""}`.trim(),
      // A V8 CPU profile of the app's measured window per level (see the instrument), for finding what to fix.
      BENCH_CPU_PROFILE: profileDir && !allocationProfile ? "1" : "0",
      BENCH_ALLOC_PROFILE: allocationProfile ? "1" : "0",
      BENCH_INSTRUMENT_DIR: instrumentDir,
      NEXT_TELEMETRY_DISABLED: "1",
      SUPERVISOR_PROVIDER: "databricks",
      // Open on purpose (a server of the tests' own on loopback): a real provider would otherwise refuse to start.
      AUTH_MODE: "anonymous",
      DATABRICKS_HOST: emulator.url,
      DATABRICKS_TOKEN: emulator.token,
      SUPERVISOR_POLL_INTERVAL_MS: String(POLL_INTERVAL_MS),
      SESSION_SECRET: randomBytes(24).toString("hex"),
      PGLITE_DIR: pgliteDir,
      ...database.env,
    },
  });
  // If the bench dies, its app must not live on.
  const killApp = () => process.kill(app.pid, "SIGKILL");
  process.once("exit", killApp);
  try {
    const cookie = await sessionCookie(app.url);
    await warmUp(app.url, cookie);
    log(`  ${database.name}, ${runs} runs…`);
    return await measureLevel({
      runs,
      instrumentDir,
      pid: app.pid,
      emulator,
      timeoutMs: startOffsetMs(runs) + TASK_MS + 120_000,
      upstreamRunMs: TASK_MS,
      log,
      drive(onEvent) {
        const started = Date.now();
        for (let index = 0; index < runs; index++) {
          void (async () => {
            await sleep(started + startOffsetMs(index) - Date.now());
            if (watching === "nobody") {
              const chatId = crypto.randomUUID();
              await runTurn(app.url, cookie, chatId, questionFor(index), {
                onInFlight() {},
                leaveWhenInFlight: true,
              });
              await sleep(ADOPTED_AFTER_MS);
              onEvent({ type: "in-flight", index });
              onEvent(
                await readBack(app.url, cookie, chatId, index, started + startOffsetMs(index) + TASK_MS),
              );
              return;
            }
            const outcome = await runTurn(app.url, cookie, crypto.randomUUID(), questionFor(index), {
              onInFlight: () => onEvent({ type: "in-flight", index }),
            });
            const ok = outcome.finished && outcome.finishReason === "stop" && !outcome.error;
            onEvent({
              type: "done",
              index,
              ok,
              text: outcome.text,
              ...(ok ? {} : { error: outcome.error ?? `finish ${outcome.finishReason ?? "missing"}` }),
            });
          })();
        }
      },
    });
  } catch (error) {
    log(app.output().slice(-3000));
    throw error;
  } finally {
    if (process.env.BENCH_APP_OUTPUT) writeFileSync(process.env.BENCH_APP_OUTPUT, app.output());
    if (profileDir)
      await saveProfile(
        instrumentDir,
        app.pid,
        join(
          profileDir,
          `${database.name}-${runs}${watching === "nobody" ? "-nobody" : ""}.${profileExtension}`,
        ),
      );
    await app.stop();
    process.off("exit", killApp);
    await emulator.stop();
    rmSync(instrumentDir, { recursive: true, force: true });
    rmSync(pgliteDir, { recursive: true, force: true });
  }
}

/**
 * When a run nobody watched is read back, as a person coming back to the chat would: a little after its end
 * upstream, then every LOOK_EVERY_MS while it is still running. (A look every 500 ms from its end for each of
 * 1,000 chats made the bench's own reads most of the server's work at the end.)
 */
const LOOK_AFTER_END_MS = 2_000;
const LOOK_EVERY_MS = 2_000;
/** A run still open this long after its end upstream is counted as not completed. */
const GIVE_UP_AFTER_END_MS = 60_000;

/** A run nobody watched, read back once it should be over upstream: done when its chat has the answer. */
async function readBack(
  url: string,
  cookie: string,
  chatId: string,
  index: number,
  endsAt: number,
): Promise<DriverEvent> {
  await sleep(endsAt + LOOK_AFTER_END_MS - Date.now());
  while (Date.now() < endsAt + GIVE_UP_AFTER_END_MS) {
    // A busy server may be slow to take a connection: a failed look is tried again, as a browser would.
    const answer = await storedAnswer(url, cookie, chatId).catch(() => ({ state: "running", text: "" }));
    if (answer.state !== "running") {
      const ok = answer.state === "completed";
      return { type: "done", index, ok, text: answer.text, ...(ok ? {} : { error: `run ${answer.state}` }) };
    }
    await sleep(LOOK_EVERY_MS);
  }
  return { type: "done", index, ok: false, text: "", error: "still running a minute after its end upstream" };
}

async function measureBaseline(runs: number, log: (line: string) => void): Promise<LevelResult> {
  const instrumentDir = mkdtempSync(join(tmpdir(), "bac-bench-instrument-"));
  const emulator = await startBenchEmulator(EMULATOR_PORT, timeScaleFor(questionFor(0), TASK_MS));
  const child = spawnTs(
    "./concurrency-baseline.ts",
    {
      ...process.env,
      BENCH_INSTRUMENT_DIR: instrumentDir,
      BENCH_BASELINE_RUNS: String(runs),
      BENCH_BASELINE_HOST: emulator.url,
      BENCH_BASELINE_TOKEN: emulator.token,
    },
    [INSTRUMENT],
  );
  try {
    log(`  baseline, ${runs} runs…`);
    return await measureLevel({
      runs,
      instrumentDir,
      pid: child.pid as number,
      emulator,
      timeoutMs: startOffsetMs(runs) + TASK_MS + 120_000,
      upstreamRunMs: TASK_MS,
      log,
      drive(onEvent) {
        child.on("message", (event: DriverEvent) => onEvent(event));
        child.send({ type: "go" });
      },
    });
  } finally {
    await stopChild(child);
    await emulator.stop();
    rmSync(instrumentDir, { recursive: true, force: true });
  }
}

function rowCells({ engine, database, result: r, attempt }: Row): string[] {
  return [
    attempt && attempt.of > 1 ? `${r.runs} (${attempt.n}/${attempt.of})` : String(r.runs),
    engine,
    database,
    `${r.completed}/${r.runs}`,
    r.allInFlightAfterSeconds === undefined ? "never" : `${fixed(r.allInFlightAfterSeconds, 0)} s`,
    `${fixed(r.idleP99)} ms`,
    `${fixed(r.inFlight?.p50)} / ${fixed(r.inFlight?.p99)} / ${fixed(r.inFlight?.max, 0)} ms`,
    `${fixed(r.toEnd?.p99)} / ${fixed(r.toEnd?.max, 0)} ms`,
    mib(r.idleRss),
    r.inFlight ? mib(r.inFlight.peakRss) : "–",
    r.bytesPerRun === undefined ? "–" : fixed(r.bytesPerRun / 1024, 0),
    `${mib(r.idleHeap)} → ${r.inFlight ? mib(r.inFlight.heapUsed) : "–"}`,
    `${fixed(r.inFlight?.cpuPercent, 0)} % / ${fixed(r.toEnd?.cpuPercent, 0)} %`,
    `${fixed(r.inFlight?.gcMaxMs, 0)} ms / ${fixed(r.inFlight?.gcPercent, 0)} %`,
    fixed(r.retrievesPerRun),
    `${fixed(r.emulatorCpuPercent, 0)} %`,
  ];
}

export async function runConcurrencyBench(log: (line: string) => void): Promise<BenchSection> {
  build(log);
  const rows: Row[] = [];
  const record = (row: Row) => {
    rows.push(row);
    log(rowCells(row).join(" | "));
    for (const failure of row.result.failures.slice(0, 5)) log(`    ${failure}`);
  };
  // BENCH_CONCURRENCY_PGLITE=0 leaves the PGlite rows out (a diagnostic run of the PostgreSQL ones).
  for (const runs of process.env.BENCH_CONCURRENCY_PGLITE === "0" ? [] : LEVELS) {
    for (let n = 1, of = attemptsOf(runs); n <= of; n++) {
      record({
        engine: "ours",
        database: "PGlite",
        result: await measureApp(runs, { name: "PGlite", env: {} }, log),
        attempt: { n, of },
      });
    }
  }
  // The server's own followers, for the goal level: the same runs, every tab closed once its run is in flight.
  if (process.env.BENCH_CONCURRENCY_PGLITE !== "0" && process.env.BENCH_CONCURRENCY_NOBODY !== "0") {
    const runs = Number(process.env.BENCH_CONCURRENCY_NOBODY_RUNS ?? GOAL_RUNS);
    for (let n = 1, of = attemptsOf(runs); n <= of; n++) {
      record({
        engine: "ours, nobody watching",
        database: "PGlite",
        result: await measureApp(runs, { name: "PGlite", env: {} }, log, "nobody"),
        attempt: { n, of },
      });
    }
  }
  const postgres =
    process.env.BENCH_CONCURRENCY_POSTGRES === "0" ? undefined : startThrowawayPostgres(POSTGRES_PORT);
  if (postgres) {
    try {
      for (const runs of LEVELS) {
        for (let n = 1, of = attemptsOf(runs); n <= of; n++) {
          const url = postgres.createDatabase(`bench_${runs}_${n}`);
          const database = { name: "PostgreSQL", env: { DATABASE_URL: url } };
          const result = await measureApp(runs, database, log);
          record({ engine: "ours", database: "PostgreSQL", result, attempt: { n, of } });
        }
      }
    } finally {
      postgres.stop();
    }
  } else {
    log("no PostgreSQL server binaries (or BENCH_CONCURRENCY_POSTGRES=0): no PostgreSQL rows");
  }
  if (process.env.BENCH_CONCURRENCY_BASELINE !== "0") {
    for (const runs of LEVELS) {
      record({ engine: "baseline", database: "–", result: await measureBaseline(runs, log) });
    }
  }
  return section(rows);
}

function section(rows: Row[]): BenchSection {
  const ours = rows.filter((r) => r.engine === "ours" && r.result.runs === GOAL_RUNS);
  const goals: Goal[] = [...new Set(ours.map((r) => r.database))].flatMap((database): Goal[] => {
    const results = ours.filter((r) => r.database === database).map((r) => r.result);
    const completed = results.map((r) => `${r.completed}/${r.runs}`).join(", ");
    const p99 = median(results.map((r) => r.inFlight?.p99 ?? Number.POSITIVE_INFINITY));
    const kbPerRun = median(results.map((r) => (r.bytesPerRun ?? Number.POSITIVE_INFINITY) / 1024));
    const each = (values: (number | undefined)[], digits: number) =>
      results.length > 1 ? ` (median of ${values.map((v) => fixed(v, digits)).join(" / ")})` : "";
    return [
      [
        results.every((r) => r.completed === r.runs),
        `${GOAL_RUNS} concurrent runs in one process all complete (${database}): ${completed}`,
      ],
      [
        p99 < GOAL_P99_MS,
        `p99 event-loop delay < ${GOAL_P99_MS} ms with ${GOAL_RUNS} runs in flight (${database}): ${fixed(p99)} ms${each(
          results.map((r) => r.inFlight?.p99),
          1,
        )}; to the end: ${results.map((r) => fixed(r.toEnd?.p99)).join(" / ")} ms`,
      ],
      [
        kbPerRun < GOAL_KB_PER_RUN,
        `< ${GOAL_KB_PER_RUN} KB RSS per run (${database}): ${fixed(kbPerRun, 0)} KB${each(
          results.map((r) => (r.bytesPerRun ?? Number.NaN) / 1024),
          0,
        )}`,
      ],
    ];
  });
  // The server's followers against the browsers' streams: no dearer per open run (medians, as above).
  const nobody = rows.filter((row) => row.engine === "ours, nobody watching");
  for (const database of new Set(nobody.map((row) => row.database))) {
    const results = nobody.filter((row) => row.database === database).map((row) => row.result);
    const p99Of = (r: LevelResult) => r.inFlight?.p99 ?? Number.POSITIVE_INFINITY;
    const watchedRuns = ours.filter((o) => o.database === database).map((o) => p99Of(o.result));
    const watched = median(watchedRuns);
    // "No dearer" beyond noise: the same code's watched runs spread over this much in the same bench run.
    const noise = Math.max(...watchedRuns) - Math.min(...watchedRuns);
    const p99 = median(results.map(p99Of));
    goals.push(
      [
        results.every((r) => r.completed === r.runs),
        `${GOAL_RUNS} runs nobody watches all complete, followed by the server (${database}): ${results.map((r) => `${r.completed}/${r.runs}`).join(", ")}`,
      ],
      [
        p99 <= watched + noise && p99 < GOAL_P99_MS,
        `the server's followers cost no more than browsers' streams, beyond the watched runs' own spread, and stay under ${GOAL_P99_MS} ms (${database}, p99 in flight): ${fixed(p99)} ms${results.length > 1 ? ` (median of ${results.map((r) => fixed(p99Of(r))).join(" / ")})` : ""} against ${fixed(watched)} ms watched (${watchedRuns.map((v) => fixed(v)).join(" / ")}: a spread of ${fixed(noise)} ms)`,
      ],
    );
  }
  const header = [
    "runs",
    "engine",
    "database",
    "completed",
    "all in flight after",
    "loop delay p99, idle",
    "loop delay p50 / p99 / max, in flight",
    "loop delay p99 / max, to the end",
    "RSS idle",
    "RSS peak, in flight",
    "KB / run",
    "JS heap idle → in flight",
    "CPU (one core), in flight / to the end",
    "GC in flight: longest pause / share of time",
    "retrieves / run",
    "emulator CPU",
  ];
  const failures = rows.flatMap((row) =>
    row.result.failures.slice(0, 5).map((f) => `- ${row.engine} ${row.database} ${row.result.runs}: ${f}`),
  );
  const body = `### Runs in flight

The ${GOAL_RUNS}-run level is measured ${GOAL_REPEATS} times per database (rows "(n/${GOAL_REPEATS})"), each on a fresh app, emulator
and database, and its goals are judged on the median: one window's p99 moves by several milliseconds between
runs of the same code on this machine. Each level starts a fresh standalone emulator (\`bench/concurrency-emulator.ts\` around \`startEmulatorServer\`,
Databricks flavour, in its own process) at a time scale that makes the plain scenario take ${TASK_MS / 1000} s, and a
fresh \`next start\` (production build; \`SUPERVISOR_PROVIDER=databricks\` against it,
\`SUPERVISOR_POLL_INTERVAL_MS=${POLL_INTERVAL_MS}\`, an empty database). After ${WARM_UP_CHATS} warm-up chats (\`instant\`
scenario) and 3 s of quiet the idle RSS and the idle loop delay (this machine's noise floor) are read; then the bench (\`bench/concurrency-client.ts\`, node:http, no
connection limit, one session cookie) starts the N chats ${STARTS_PER_SECOND} per second, each a \`POST /api/chat\`
with \`{id, message}\` whose stream it reads to the end. A run counts as completed when its stream ends with
\`finish\` (reason \`stop\`) and the text deltas add up to exactly the emulator's stored answer.

Measured inside the app's process by \`bench/concurrency-instrument.mjs\` (loaded with
\`NODE_OPTIONS=--import\`, app code unchanged): \`monitorEventLoopDelay({ resolution: 10 })\`, its values minus the
10 ms sampling interval (an idle loop reads ~0); \`process.memoryUsage.rss()\` sampled every 250 ms;
\`process.cpuUsage()\`. The histogram, the RSS peak and the CPU time restart when every run is under way upstream (its
stream reported a status past "submitting"):

- **all in flight after**: from the first start until every run was under way (the starts alone take N / ${STARTS_PER_SECOND} s);
  "never" when the first run finished before the last was under way: then there is no in-flight window.
- **in flight**: from then until the first run's end is due upstream (${TASK_MS / 1000} s after the first start; or the first
  run is done, if sooner): N runs being polled, nothing else. Until 2026-12-07 it lasted until the bench saw a
  run done, which it sees later when nobody watches (by reading the chat back) than on a watched stream: that
  window also held the first runs' ends and the final writes.
- **to the end**: from then until the last run finished: adds the answers' reveal and the runs' final writes.
- **KB / run**: (peak RSS in flight − idle RSS) / N (the instrument collects garbage before each reading starts).
  **JS heap**: V8's heap in use; the rest of RSS is PGlite's WASM memory, buffers and code. **CPU**: process CPU time over wall time, in % of one core.
  **GC**: garbage collections seen by a \`PerformanceObserver\` (\`gc\` entries): the longest, and all of them added up
  over the wall time.
- **retrieves / run**: GET \`…/responses/{id}\` the emulator answered during the level, over N.

**ours, nobody watching**: the same ${GOAL_RUNS} runs on PGlite, each stream closed as soon as its run is in flight,
as a closed tab: the server follows every run itself (\`lib/chat/followers.ts\`, ${ADOPTED_AFTER_MS / 1000} s after the stream
ended); a run is in flight from then, and done when its chat's JSON export (what a returning browser would find)
has the emulator's whole answer: read ${LOOK_AFTER_END_MS / 1000} s after its end upstream, then every ${LOOK_EVERY_MS / 1000} s while still running, as a person
coming back would (until 2026-12-07: every 500 ms from its end, for every chat). Measured as often as the watched goal level, and judged on the median too (BENCH_CONCURRENCY_NOBODY=0 leaves it out).

**baseline** (\`bench/concurrency-baseline.ts\`): the fixed-poll recipe (\`bench/baseline.ts\`: first retrieve 1 s
after create, then every 2 s, words revealed one per 10 ms) for N runs in a plain Node process over the \`openai\`
SDK on Node's built-in \`fetch\`, as the recipe has it (the app gives the SDK Node's HTTP client: README, "How a turn
works"), against the same kind of emulator, started at the same pace, with the same instrument. It has no web
server, no database and no browser streams, so it is the floor for following N runs in one process, not a
like-for-like app.${
    rows.some((r) => r.database === "PostgreSQL")
      ? `

PostgreSQL rows: a throwaway local cluster (\`bench/concurrency-postgres.ts\`, \`fsync=off\`), one fresh database per
level, the app's default pool (5 connections).`
      : ""
  }

${table(header, rows.map(rowCells))}
${failures.length > 0 ? `\nFailures (first five per row):\n\n${failures.join("\n")}\n` : ""}`;
  return {
    id: "concurrency",
    title: "Concurrency: runs in flight in one process",
    intro:
      "Hundreds of simultaneous runs in one `next start` process against the standalone emulator: does every run complete, and what do they cost in event-loop delay, memory and CPU.",
    goals,
    body,
  };
}
