import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "@/lib/data-dir";
import { processState } from "@/lib/process-state";
import type { AnyPgDatabase } from "./migrate";
import * as schema from "./schema";

/** An open database and how to close it. */
export interface Database {
  db: AnyPgDatabase;
  kind: "pglite" | "postgres";
  close(): Promise<void>;
}

/** Where PGlite keeps its data when `PGLITE_DIR` is not set: `.data/pglite`, or under /tmp on a read-only disk. */
export const defaultPgliteDir = (env: Record<string, string | undefined> = process.env) =>
  path.join(dataDir(env), "pglite");

/**
 * Embedded Postgres (PGlite, WASM) with its data in `dir` (created when missing), or in memory for
 * `memory://`. PGlite is single-user: two processes on one directory silently lose each other's writes, so
 * the directory is locked (`<dir>.lock`, holding the pid) while open, and a second opener is refused.
 */
export async function openPglite(dir: string = defaultPgliteDir()): Promise<Database> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  if (dir.startsWith("memory://")) {
    const client = await PGlite.create(dir);
    return { db: drizzle({ client, schema }), kind: "pglite", close: () => client.close() };
  }
  const dataDir = path.resolve(/* turbopackIgnore: true */ dir);
  mkdirSync(dataDir, { recursive: true });
  const release = lockDataDir(dataDir);
  try {
    const client = await PGlite.create(dataDir);
    return {
      db: drizzle({ client, schema }),
      kind: "pglite",
      close: async () => {
        try {
          await client.close();
        } finally {
          release();
        }
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

/** The lock files this process holds (on globalThis: Next loads this module in several bundles). */
function heldLocks(): Set<string> {
  return processState("pglite-locks", () => new Set<string>());
}

/** Take `<dataDir>.lock` for this process, or throw when a live process holds it; returns the release. */
function lockDataDir(dataDir: string): () => void {
  const file = `${dataDir}.lock`;
  const held = heldLocks();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      held.add(file);
      const onExit = () => rmSync(file, { force: true });
      process.once("exit", onExit);
      return () => {
        process.off("exit", onExit);
        held.delete(file);
        rmSync(file, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const holder = Number.parseInt(readFileSync(file, "utf8"), 10);
    // Our own pid in a lock we did not take is a stale lock from an earlier process that had our pid.
    const live = holder === process.pid ? held.has(file) : isAlive(holder);
    if (live) {
      throw new Error(
        `The PGlite data directory ${dataDir} is in use by process ${holder}, and PGlite allows one process ` +
          `at a time: give each server its own PGLITE_DIR, or use DATABASE_URL. (If process ${holder} is not ` +
          `this app, delete ${file}.)`,
      );
    }
    rmSync(file, { force: true }); // its process is gone
  }
  throw new Error(`Could not lock the PGlite data directory ${dataDir} (${file}).`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface PostgresOptions {
  /** Pool size (default 5). */
  max?: number;
  /** A schema to put first on the `search_path` (tests use a fresh one per run). */
  searchPath?: string;
}

/** A PostgreSQL server through node-postgres with a small pool. */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<Database> {
  const { default: pg } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 5,
    idleTimeoutMillis: 30_000,
    ...(options.searchPath ? { options: `-c search_path=${quoteIdent(options.searchPath)}` } : {}),
  });
  // An idle client's connection dropping (server restart) must not crash the process; the pool replaces it.
  pool.on("error", (err) => console.error("PostgreSQL pool:", err.message));
  return {
    db: drizzle({ client: pool, schema }),
    kind: "postgres",
    close: () => pool.end(),
  };
}

/** Whether the environment asks for PostgreSQL (`DATABASE_URL`) rather than embedded PGlite. */
export function usesPostgres(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.DATABASE_URL?.trim());
}

/** `DATABASE_URL` → PostgreSQL; otherwise PGlite under `PGLITE_DIR` (default `.data/pglite`). */
export function openDatabaseFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  const url = env.DATABASE_URL?.trim();
  if (url) return openPostgres(url);
  if (env.VERCEL && !env.PGLITE_DIR?.trim()) {
    // Each function instance has its own temporary disk: chats would vanish, and a reconnect landing on another
    // instance would find nothing to resume.
    return Promise.reject(
      new Error(
        "On Vercel the app needs DATABASE_URL (e.g. Neon or Supabase Postgres from the Marketplace): a function's disk is temporary and not shared between instances.",
      ),
    );
  }
  return openPglite(env.PGLITE_DIR?.trim() || defaultPgliteDir(env));
}

/** A Postgres identifier, double-quoted. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
