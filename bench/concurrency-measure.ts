// One level of the concurrency bench: N runs started at a fixed pace, followed to the end by a driver (the
// bench's HTTP client against the app, or the baseline process), while the instrument in the measured process
// records event-loop delay, memory and CPU. Two windows: "in flight" from the moment every run is under way
// upstream until the first one finishes (steady polling), and "to the end" from the same moment until the last
// one finished (adds the answers' reveal and the runs' final writes).

import { copyFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DriverEvent, questionFor } from "./concurrency-plan";
import {
  type BenchEmulator,
  cpuPercent,
  freshDump,
  type InstrumentDump,
  resetMeasurement,
} from "./concurrency-processes";

export interface WindowFigures {
  p50: number;
  p99: number;
  max: number;
  cpuPercent: number;
  peakRss: number;
  /** V8's heap in use at the window's end (RSS also holds PGlite's WASM memory, buffers, code). */
  heapUsed: number;
  /** Garbage collection in the window: the longest pause, and all pauses as a share of the wall time. */
  gcMaxMs: number;
  gcPercent: number;
  seconds: number;
}

export interface LevelResult {
  runs: number;
  completed: number;
  failures: string[];
  idleRss: number;
  idleHeap: number;
  /** p99 event-loop delay over the quiet seconds before the runs start. */
  idleP99: number;
  inFlight?: WindowFigures;
  toEnd?: WindowFigures;
  /** (peak RSS with every run in flight − idle RSS) / runs. */
  bytesPerRun?: number;
  retrievesPerRun: number;
  emulatorCpuPercent: number;
  /** From the first run's start until every run was under way upstream (the starts alone take N / 50 s). */
  allInFlightAfterSeconds?: number;
}

export interface LevelSetup {
  runs: number;
  instrumentDir: string;
  /** The measured process. */
  pid: number;
  emulator: BenchEmulator;
  /** Start the N runs; every run must end with exactly one `done`. */
  drive(onEvent: (event: DriverEvent) => void): void;
  /** Give up on runs not done by then. */
  timeoutMs: number;
  /**
   * How long a run takes upstream. The in-flight window closes when the first run's end is due there (this long
   * after the first start) if no run was done before: from then on the app sees runs end, and their final work
   * is not "runs in flight". Without it, at the first `done`.
   */
  upstreamRunMs?: number;
  log(line: string): void;
}

const QUIET_MS = 3000;

/** Ask the instrument for a heap snapshot (with every run in flight) and keep it as `target`. */
async function takeHeapSnapshot(dir: string, pid: number, target: string) {
  writeFileSync(join(dir, "heap"), "");
  const written = join(dir, `${pid}.heapsnapshot`);
  for (let i = 0; i < 1200 && !existsSync(written); i++) await sleep(100);
  if (existsSync(written)) copyFileSync(written, target);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function figures(from: InstrumentDump, to: InstrumentDump): WindowFigures {
  return {
    p50: to.delay.p50,
    p99: to.delay.p99,
    max: to.delay.max,
    cpuPercent: cpuPercent(from, to),
    peakRss: to.peakRss,
    heapUsed: to.heapUsed,
    gcMaxMs: to.gc.maxMs,
    gcPercent: (100 * to.gc.totalMs) / (to.at - from.at),
    seconds: (to.at - from.at) / 1000,
  };
}

export async function measureLevel(setup: LevelSetup): Promise<LevelResult> {
  const { runs, instrumentDir: dir, pid, emulator, log } = setup;
  // A few quiet seconds first: the idle RSS, and the loop delay of this machine with nothing to do (noise).
  await resetMeasurement(dir, pid);
  await sleep(QUIET_MS);
  const idle = await freshDump(dir, pid);
  const before = await emulator.report();
  const inFlight = new Set<number>();
  const done = new Map<number, Extract<DriverEvent, { type: "done" }>>();
  let start: { dump: InstrumentDump; emulatorCpuUs: number } | undefined;
  let starting: Promise<void> | undefined;
  let inFlightWindow: WindowFigures | undefined;
  let firstDone: Promise<void> | undefined;
  /** A measurement step that failed in an event handler, rethrown once the level is over. */
  let failed: unknown;
  const noting = (step: Promise<void>) =>
    step.catch((error: unknown) => {
      failed ??= error;
    });
  let allDone: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    allDone = resolve;
  });

  const beginWindow = () => {
    starting ??= (async () => {
      const dump = await resetMeasurement(dir, pid);
      start = { dump, emulatorCpuUs: (await emulator.report()).cpuUs };
      log(`  all ${runs} runs in flight; measuring`);
    })();
    return starting;
  };
  /** Close the in-flight window (once): the first run is done, or its end is due upstream. */
  const closeInFlightWindow = (why: string) => {
    firstDone ??= noting(
      (async () => {
        if (!starting) {
          log(`  ${why} before all were in flight: no in-flight window`);
          await beginWindow();
          return;
        }
        await starting;
        if (start) {
          const dump = await freshDump(dir, pid);
          inFlightWindow = figures(start.dump, dump);
          const mb = (bytes = Number.NaN) => `${(bytes / 1048576).toFixed(0)} MiB`;
          const parts = dump.peakParts ?? {};
          log(
            `  at the RSS peak (${mb(dump.peakRss)}): heap ${mb(parts.heapUsed)} used of ${mb(parts.heapTotal)}, ` +
              `external ${mb(parts.external)} (array buffers ${mb(parts.arrayBuffers)}); ` +
              `${dump.gc.count} collections, longest mark-compact ${dump.gc.maxMajorMs.toFixed(0)} ms, ` +
              `longest scavenge ${dump.gc.maxMinorMs.toFixed(0)} ms`,
          );
        }
        const heapTarget = process.env.BENCH_CONCURRENCY_HEAP_SNAPSHOT;
        if (heapTarget) await takeHeapSnapshot(dir, pid, join(heapTarget, `${pid}-${runs}.heapsnapshot`));
      })(),
    );
  };
  const drivingSince = Date.now();
  const endDue =
    setup.upstreamRunMs === undefined
      ? undefined
      : setTimeout(() => closeInFlightWindow("the first run's end was due upstream"), setup.upstreamRunMs);
  let allInFlightAfterSeconds: number | undefined;
  setup.drive((event) => {
    if (event.type === "in-flight") {
      inFlight.add(event.index);
      if (inFlight.size === runs) {
        allInFlightAfterSeconds = (Date.now() - drivingSince) / 1000;
        void noting(beginWindow());
      }
      return;
    }
    done.set(event.index, event);
    if (done.size === 1) closeInFlightWindow("a run finished");
    if (done.size === runs) allDone();
  });

  const progress = setInterval(() => {
    log(`  ${inFlight.size}/${runs} in flight, ${done.size} done`);
  }, 10_000);
  const timedOut = await Promise.race([finished.then(() => false), sleep(setup.timeoutMs).then(() => true)]);
  clearInterval(progress);
  clearTimeout(endDue);
  await firstDone;
  if (failed) throw failed;
  const end = await freshDump(dir, pid);
  const after = await emulator.report();

  const answers = new Map(after.answers.map((a) => [a.question, a]));
  const failures: string[] = [];
  if (timedOut) failures.push(`${runs - done.size} runs not done within ${setup.timeoutMs / 1000} s`);
  let completed = 0;
  for (const event of done.values()) {
    // Complete means the whole answer: exactly the text of the emulator's stored response for this question.
    const expected = answers.get(questionFor(event.index));
    if (!event.ok) failures.push(`run ${event.index}: ${event.error ?? "not completed"}`);
    else if (expected?.status !== "completed")
      failures.push(`run ${event.index}: no completed upstream response`);
    else if (event.text !== expected.text)
      failures.push(
        `run ${event.index}: answer of ${event.text.length} characters, upstream's ${expected.text.length}`,
      );
    else completed += 1;
  }
  const toEnd = start ? figures(start.dump, end) : undefined;
  const wallMs = start ? end.at - start.dump.at : Number.NaN;
  return {
    runs,
    completed,
    failures,
    idleRss: idle.rss,
    idleHeap: idle.heapUsed,
    idleP99: idle.delay.p99,
    ...(inFlightWindow ? { inFlight: inFlightWindow } : {}),
    ...(toEnd ? { toEnd } : {}),
    ...(inFlightWindow ? { bytesPerRun: (inFlightWindow.peakRss - idle.rss) / runs } : {}),
    ...(allInFlightAfterSeconds !== undefined ? { allInFlightAfterSeconds } : {}),
    retrievesPerRun: (after.retrieves - before.retrieves) / runs,
    emulatorCpuPercent: start ? (after.cpuUs - start.emulatorCpuUs) / 10 / wallMs : Number.NaN,
  };
}
