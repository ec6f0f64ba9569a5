// The app as the browser bench sees it: one production build, and `next start` servers on free ports in
// 3200–3299 (the range this bench may use on a shared machine), each stopped with its whole process group.

import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { serveNodeFlags } from "@/scripts/serve-flags";

const ROOT = path.resolve(new URL("..", import.meta.url).pathname);
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");
const PORT_RANGE = [3200, 3299] as const;
const READY_TIMEOUT_MS = 60_000;

/** `next build` into the default `.next`, unless BENCH_SKIP_BUILD=1 and a build is there. */
export function buildApp(log: (line: string) => void): void {
  if (process.env.BENCH_SKIP_BUILD === "1" && existsSync(path.join(ROOT, ".next/BUILD_ID"))) {
    log("BENCH_SKIP_BUILD=1: using the existing .next build");
    return;
  }
  log("next build (BENCH_SKIP_BUILD=1 skips it)…");
  execFileSync(process.execPath, [NEXT_BIN, "build"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  for (let port = PORT_RANGE[0]; port <= PORT_RANGE[1]; port++) {
    if (await portIsFree(port)) return port;
  }
  throw new Error(`No free port in ${PORT_RANGE[0]}–${PORT_RANGE[1]}.`);
}

export interface AppServer {
  url: string;
  stop(): Promise<void>;
}

/** `next start` with `env` on top of the bench's environment; resolves once the server answers. */
export async function startApp(env: Record<string, string>): Promise<AppServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [...serveNodeFlags(ROOT), NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: ROOT,
      // Its own process group, so stop() ends next-server's workers too and nothing else.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
    },
  );
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return; // already gone
    }
    const killed = await Promise.race([exited.then(() => true), sleep(5_000).then(() => false)]);
    if (!killed) process.kill(-child.pid, "SIGKILL");
  };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`next start exited (${child.exitCode}):\n${output}`);
    try {
      // Not a page: the first page load after start must find the server cold (the new-chat bench measures it).
      await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5_000) });
      return { url, stop };
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`next start did not answer on ${url} within ${READY_TIMEOUT_MS} ms:\n${output}`);
    }
    await sleep(300);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
