// A throwaway PostgreSQL cluster for the concurrency bench's Postgres row, started the way .ci/run starts the
// one for the database tests: initdb in a temporary directory, loopback only, run as the `postgres` user when
// the bench runs as root (root cannot run postgres). Durability is off (fsync, synchronous_commit): the bench
// measures the app's process, not the disk. Undefined when no PostgreSQL server binaries are installed.

import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface ThrowawayPostgres {
  /** A fresh, empty database on the cluster; its connection URL. */
  createDatabase(name: string): string;
  stop(): void;
}

function serverBinaries(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, "bin", "initdb")) && existsSync(join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(a) - Number(b));
  const newest = versions.at(-1);
  return newest ? join(root, newest, "bin") : undefined;
}

export function startThrowawayPostgres(port: number): ThrowawayPostgres | undefined {
  const bin = serverBinaries();
  if (!bin) return undefined;
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "bac-bench-postgres-"));
  const asPostgres = (command: string, args: string[]) =>
    root
      ? execFileSync("runuser", ["-u", "postgres", "--", join(bin, command), ...args], { stdio: "pipe" })
      : execFileSync(join(bin, command), args, { stdio: "pipe" });
  if (root) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, "data");
  asPostgres("initdb", [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "--encoding=UTF8",
    "--locale=C",
    "--no-sync",
  ]);
  const options = [
    "-c listen_addresses=127.0.0.1",
    `-p ${port}`,
    `-k ${dir}`,
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
  ].join(" ");
  asPostgres("pg_ctl", [
    "-D",
    data,
    "-l",
    join(dir, "postgres.log"),
    "-w",
    "-t",
    "60",
    "start",
    "-o",
    options,
  ]);
  const base = `postgres://postgres@127.0.0.1:${port}`;
  return {
    createDatabase(name) {
      execFileSync(join(bin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name]);
      return `${base}/${name}`;
    },
    stop() {
      try {
        asPostgres("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
