// The processes of the concurrency bench and how it reads them: the standalone emulator and the baseline
// (TypeScript, run by node with tsx), and the figures the instrument (concurrency-instrument.mjs) dumps for a
// measured process.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EmulatorMessage, EmulatorReport } from "./concurrency-emulator";

export const INSTRUMENT = new URL("./concurrency-instrument.mjs", import.meta.url).pathname;

/** What the instrument writes about one process (see concurrency-instrument.mjs). */
export interface InstrumentDump {
  pid: number;
  at: number;
  resetToken: string;
  rss: number;
  peakRss: number;
  /** At the RSS peak: V8's heap committed and in use, and memory outside it (bytes). */
  peakParts?: { heapTotal?: number; heapUsed?: number; external?: number; arrayBuffers?: number };
  heapUsed: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  delay: { count: number; p50: number; p99: number; max: number };
  /** Garbage collections since the last reset: how many, their pauses added up, the longest. */
  gc: { count: number; totalMs: number; maxMs: number; maxMajorMs: number; maxMinorMs: number };
}

export function readDump(dir: string, pid: number): InstrumentDump | undefined {
  const file = join(dir, `${pid}.json`);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as InstrumentDump;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How long a measured process may take to write a dump: its event loop may be badly behind. */
const DUMP_WAIT_MS = 60_000;

/** The first dump written after `since` (ms). */
export async function freshDump(dir: string, pid: number, since = Date.now()): Promise<InstrumentDump> {
  const deadline = Date.now() + DUMP_WAIT_MS;
  for (;;) {
    const dump = readDump(dir, pid);
    if (dump && dump.at > since) return dump;
    if (Date.now() > deadline)
      throw new Error(`process ${pid} wrote no instrument dump (is it instrumented?)`);
    await sleep(50);
  }
}

/** Restart the measured processes' histograms and peaks; resolves with `pid`'s first dump after the reset. */
export async function resetMeasurement(dir: string, pid: number): Promise<InstrumentDump> {
  const token = `reset-${Date.now()}-${Math.random()}`;
  writeFileSync(join(dir, "reset"), token);
  const deadline = Date.now() + DUMP_WAIT_MS;
  for (;;) {
    const dump = readDump(dir, pid);
    if (dump?.resetToken === token) return dump;
    if (Date.now() > deadline) throw new Error(`process ${pid} did not take the measurement reset`);
    await sleep(20);
  }
}

/** CPU time between two dumps as a percentage of one core over the wall time between them. */
export function cpuPercent(from: InstrumentDump, to: InstrumentDump): number {
  const cpuUs = to.cpuUserUs + to.cpuSystemUs - (from.cpuUserUs + from.cpuSystemUs);
  const wallMs = to.at - from.at;
  return wallMs > 0 ? cpuUs / 10 / wallMs : Number.NaN;
}

/** A TypeScript entry point under node with tsx, with an IPC channel. */
export function spawnTs(file: string, env: NodeJS.ProcessEnv, importFirst: string[] = []): ChildProcess {
  const path = new URL(file, import.meta.url).pathname;
  const imports = ["tsx", ...importFirst].flatMap((module) => ["--import", module]);
  const child = spawn(process.execPath, [...imports, path], {
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  return child;
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

export interface BenchEmulator {
  url: string;
  token: string;
  report(): Promise<EmulatorReport>;
  stop(): Promise<void>;
}

export async function startBenchEmulator(port: number, timeScale: number): Promise<BenchEmulator> {
  const token = "dapi-bench-concurrency";
  const child = spawnTs("./concurrency-emulator.ts", {
    ...process.env,
    EMULATOR_PORT: String(port),
    BENCH_EMULATOR_TIME_SCALE: String(timeScale),
    BENCH_EMULATOR_TOKEN: token,
  });
  const messages: ((message: EmulatorMessage) => void)[] = [];
  child.on("message", (message: EmulatorMessage) => messages.shift()?.(message));
  const next = () =>
    new Promise<EmulatorMessage>((resolve, reject) => {
      messages.push(resolve);
      child.once("exit", (code) => reject(new Error(`the bench emulator exited (${code})`)));
    });
  const ready = await next();
  if (ready.type !== "ready") throw new Error("the bench emulator did not start");
  return {
    url: ready.url,
    token,
    async report() {
      const answer = next();
      child.send({ type: "report" });
      const message = await answer;
      if (message.type !== "report") throw new Error("the bench emulator answered out of turn");
      return message.report;
    },
    stop: () => stopChild(child),
  };
}
