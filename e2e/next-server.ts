import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { connect } from "node:net";
import path from "node:path";
import { serveNodeFlags } from "../scripts/serve-flags";

/** Run by node itself rather than through npx: one process fewer to start, and to kill. */
const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next");

export interface NextServer {
  process: ChildProcess;
  url: string;
  /** The last 4,000 characters the server printed. */
  recentOutput(): string;
  /** SIGKILL the whole process group, as a crash or an OOM kill would, and wait until the port is free. */
  kill(): Promise<void>;
}

/**
 * `next start` on the Playwright build (made by the first webServer), in a process group of its own so a kill
 * reaches every process of it; resolves once the app answers from its database. `onOutput` sees everything
 * it prints (for the checks that logs hold no secrets).
 */
export async function startNextServer({
  port,
  env,
  timeoutMs = 30_000,
  onOutput,
  runAs,
  cwd,
  readyPath = "/api/chats",
}: {
  port: number;
  env: Record<string, string>;
  timeoutMs?: number;
  onOutput?: (text: string) => void;
  /** Run as this system user (the test must run as root): a directory it does not own is read-only to it. */
  runAs?: string;
  /** The app's directory (its `.next` build); default the checkout. */
  cwd?: string;
  /** What answers 200 once the app is up: the chat list (its database open), or the health check with sign-in on. */
  readyPath?: string;
}): Promise<NextServer> {
  let output = "";
  const command = [
    process.execPath,
    ...serveNodeFlags(),
    NEXT_BIN,
    "start",
    "-p",
    String(port),
    "-H",
    "127.0.0.1",
  ];
  const [file, ...args] = runAs ? ["runuser", "-u", runAs, "--", ...command] : command;
  const child = spawn(file as string, args, {
    detached: true,
    ...(cwd ? { cwd } : {}),
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
    onOutput?.(chunk.toString());
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const server: NextServer = {
    process: child,
    url,
    recentOutput: () => output,
    async kill() {
      if (!child.pid) return;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, "exit");
        process.kill(-child.pid, "SIGKILL");
        await exited;
      }
      // The next server needs the port: wait until nothing answers on it any more.
      const deadline = Date.now() + 10_000;
      while (await portAnswers(port)) {
        if (Date.now() > deadline) throw new Error(`port ${port} still answers after the kill`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`next start exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    try {
      if ((await fetch(`${url}${readyPath}`)).ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.kill();
      throw new Error(`next start did not answer within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
