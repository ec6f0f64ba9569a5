// The app instances the soak drives: one on embedded PGlite in a data directory of its own, or several on one
// PostgreSQL database, as a deployment behind a load balancer runs them (`--instances`). For those the soak makes
// a database of its own on the server it is given and starts the instances on it one after another (the first
// applies the migrations); the soak may kill one mid-run as a crash would (`RunningApp.kill`).

import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import type { Database } from "@/lib/db";
import type { ChatStore } from "@/lib/db/chat-store";
import { freePort, type RunningApp, startApp } from "./app";

export interface SoakDatabase {
  /** The soak's own database on the server, for the app's `DATABASE_URL`. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

async function onServer<T>(connectionString: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database named after the seed on the PostgreSQL server at `serverUrl`. */
export async function createSoakDatabase(serverUrl: string, seed: number): Promise<SoakDatabase> {
  const name = `soak_${seed}_${process.pid}_${Date.now()}`;
  await onServer(serverUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () =>
      onServer(serverUrl, (client) => client.query(`drop database if exists ${name} with (force)`)).then(
        () => undefined,
      ),
  };
}

export interface SoakApps {
  apps: RunningApp[];
  /** Where the apps keep their data, for the log. */
  where: string;
  /** The apps' store, for the soak to read once they stopped. */
  openStored(): Promise<{ store: ChatStore; database: Database }>;
  /** Remove the data (a soak that passed); a failed one keeps it for a look. */
  discard(): Promise<void>;
}

/**
 * The app on `env`: one instance on PGlite, or `count` on a database of their own on the PostgreSQL server at
 * `databaseUrl`, each on a free port with one session key between them (a browser's cookie is good on every
 * instance). Nothing is left behind when one fails to start.
 */
export async function startSoakApps(options: {
  count: number;
  databaseUrl?: string;
  seed: number;
  cwd: string;
  env: Record<string, string>;
}): Promise<SoakApps> {
  const { count, databaseUrl, cwd } = options;
  const { openChatStore, openPglite, openPostgres } = await import("@/lib/db");
  let data: {
    where: string;
    env: Record<string, string>;
    open: () => Promise<Database>;
    discard(): Promise<void>;
  };
  if (databaseUrl) {
    const database = await createSoakDatabase(databaseUrl, options.seed);
    data = {
      where: `PostgreSQL database ${database.name}`,
      env: { DATABASE_URL: database.url, SESSION_SECRET: randomBytes(32).toString("hex") },
      open: () => openPostgres(database.url),
      discard: () => database.drop(),
    };
  } else {
    const dir = mkdtempSync(join(tmpdir(), "soak-pglite-"));
    data = {
      where: dir,
      env: { PGLITE_DIR: dir },
      open: () => openPglite(dir),
      discard: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const env = { ...options.env, ...data.env };
  const apps: RunningApp[] = [];
  try {
    // One at a time: the first applies the migrations.
    for (let i = 0; i < count; i++) apps.push(await startApp({ cwd, port: await freePort(), env }));
  } catch (error) {
    await Promise.all(apps.map((app) => app.stop()));
    await data.discard();
    throw error;
  }
  return {
    apps,
    where: data.where,
    openStored: () => openChatStore(data.open),
    discard: data.discard,
  };
}
