import { accessSync, constants, mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { processState } from "@/lib/process-state";

/**
 * Where the app keeps its own files (embedded PGlite, the generated session key): `DATA_DIR` when set, else
 * `.data` in the working directory, or, where that cannot be written (a serverless function, a read-only
 * container), a directory under the system's temporary directory, the one place such platforms allow writes.
 */
export function dataDir(env: Record<string, string | undefined> = process.env): string {
  const configured = env.DATA_DIR?.trim();
  if (configured) return path.resolve(/* turbopackIgnore: true */ configured);
  // Decided once per process: the proxy and the routes are bundled apart but must agree.
  return processState("data-dir", chooseDataDir);
}

function chooseDataDir(): string {
  const local = path.resolve(/* turbopackIgnore: true */ ".data");
  if (writable(local)) return local;
  const temporary = path.join(os.tmpdir(), "background-agent-chat");
  console.warn(
    `The working directory is read-only: the app's own files go to ${temporary} (set DATA_DIR to choose, or DATABASE_URL for chats that outlive this machine).`,
  );
  return temporary;
}

function writable(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
