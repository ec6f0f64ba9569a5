// Starting the app for the soak: a production build (`next build` when there is none), `next start` on a free
// port with the given environment, and the memory of its process tree sampled from /proc.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { serveNodeFlags } from "../serve-flags";

const NEXT_BIN = join("node_modules", "next", "dist", "bin", "next");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs `next build` when the checkout has no production build yet. */
export async function ensureBuild(cwd: string, log: (line: string) => void): Promise<void> {
  if (existsSync(join(cwd, ".next", "BUILD_ID"))) return;
  log("No production build (.next/BUILD_ID): running next build…");
  const child = spawn(process.execPath, [NEXT_BIN, "build"], {
    cwd,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`next build failed (exit code ${code}).`);
}

export interface RunningApp {
  url: string;
  pid: number;
  /** Output of the app, kept for the report when something goes wrong. */
  output(): string;
  stop(): Promise<void>;
  /** End the process at once, as a crash does (SIGKILL): nothing of it winds down. */
  kill(): Promise<void>;
}

export async function startApp(options: {
  cwd: string;
  port: number;
  env: Record<string, string>;
  readyTimeoutMs?: number;
}): Promise<RunningApp> {
  const { cwd, port } = options;
  const child: ChildProcess = spawn(
    process.execPath,
    [...serveNodeFlags(cwd), NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: string[] = [];
  const keep = (data: Buffer) => {
    lines.push(data.toString("utf8"));
    if (lines.length > 400) lines.splice(0, lines.length - 400);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`next start exited with code ${child.exitCode}:\n${lines.join("")}`);
    }
    try {
      // Any answer means the server listens; /api/chats also opens and migrates the database once.
      const response = await fetch(`${url}/api/chats`, { headers: { origin: url } });
      await response.arrayBuffer();
      if (response.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `next start did not answer within ${options.readyTimeoutMs ?? 60_000} ms:\n${lines.join("")}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    pid: child.pid as number,
    output: () => lines.join(""),
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

/** kB fields of /proc/<pid>/status (VmRSS, VmHWM), or undefined when the process is gone. */
function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The process and all its descendants (Next may run workers). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses: the fields after the last ")" are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/** Samples the resident memory of a process tree; `peak()` is the largest sum seen (and each process's VmHWM). */
export function watchMemory(pid: number, everyMs = 250) {
  let peakTreeKb = 0;
  let firstTreeKb: number | undefined;
  const highWater = new Map<number, number>();
  const sample = () => {
    let sum = 0;
    for (const member of processTree(pid)) {
      sum += statusKb(member, "VmRSS") ?? 0;
      const hwm = statusKb(member, "VmHWM");
      if (hwm !== undefined) highWater.set(member, Math.max(highWater.get(member) ?? 0, hwm));
    }
    peakTreeKb = Math.max(peakTreeKb, sum);
    firstTreeKb ??= sum;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    sample,
    stop: () => clearInterval(timer),
    /** Summed VmRSS when first sampled (app ready, idle) and at its peak, and the main process's VmHWM, in MiB. */
    peak: () => ({
      startRssMiB: (firstTreeKb ?? 0) / 1024,
      treeRssMiB: peakTreeKb / 1024,
      mainHwmMiB: (highWater.get(pid) ?? 0) / 1024,
      processes: highWater.size,
    }),
  };
}
