import { expect, test } from "@playwright/test";
import pg from "pg";
import { type EmulatorRequestRecord, type EmulatorServer, startEmulatorServer } from "../emulator/server";
import { type NextServer, startNextServer } from "./next-server";
import { INSTANCE_PORTS } from "./ports";
import { SECRET_CANARIES } from "./secrets";

// Several app instances on one PostgreSQL, as a deployment behind a load balancer runs them: runs whose browser
// left are followed by the servers, and the runs of an instance killed mid-run are taken over by the others,
// each finished once. Needs a PostgreSQL server (`TEST_DATABASE_URL`, which `.ci/run` starts); the spec makes a
// database of its own on it.

const ADMIN_URL = process.env.TEST_DATABASE_URL?.trim();
test.skip(!ADMIN_URL, "needs PostgreSQL: TEST_DATABASE_URL (.ci/run starts one)");
test.describe.configure({ timeout: 120_000 });

const TOKEN = "dapi-e2e-token";
const RESPONSES = "/ai-gateway/mlflow/v1/responses";
const MULTI_STEP = "Run a multi-step analysis of the sales data";
/** A line of the multi-step scenario's answer, which the agent writes once per run. */
const ANSWER = "The query behind the table, to run it yourself:";
const CHATS = 6;

let upstream: EmulatorServer;
const requests: EmulatorRequestRecord[] = [];
const servers: NextServer[] = [];
const database = `e2e_instances_${process.pid}_${Date.now()}`;

async function admin<T>(work: (client: pg.Client) => Promise<T>, connectionString = ADMIN_URL): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  // Half time: a multi-step run takes about 11 s, time enough to leave it and kill a server in the middle.
  upstream = await startEmulatorServer({
    port: 0,
    options: { timeScale: 0.5, token: TOKEN },
    onRequest: (request) => requests.push(request),
  });
  await admin((client) => client.query(`create database ${database}`));
  const url = appDatabaseUrl();
  // One at a time: the first applies the migrations.
  for (const port of INSTANCE_PORTS) {
    servers.push(
      await startNextServer({
        port,
        timeoutMs: 90_000,
        env: {
          SUPERVISOR_PROVIDER: "databricks",
          // Open on purpose (a server of the tests' own on loopback): a real provider would otherwise refuse to start.
          AUTH_MODE: "anonymous",
          DATABRICKS_HOST: upstream.url,
          DATABRICKS_TOKEN: TOKEN,
          DATABASE_URL: url.toString(),
          SUPERVISOR_POLL_INTERVAL_MS: "250",
          SESSION_SECRET: SECRET_CANARIES.SESSION_SECRET,
        },
      }),
    );
  }
});

function appDatabaseUrl(): URL {
  const url = new URL(ADMIN_URL as string);
  url.pathname = `/${database}`;
  return url;
}

/** The instance following each chat's run now, as the database says. */
async function followers(ids: string[]): Promise<Map<string, string | null>> {
  const { rows } = await admin(
    (client) =>
      client.query<{ chat_id: string; follower: string | null }>(
        "select distinct on (chat_id) chat_id, follower from runs where chat_id = any($1) order by chat_id, id desc",
        [ids],
      ),
    appDatabaseUrl().toString(),
  );
  return new Map(rows.map((row) => [row.chat_id, row.follower]));
}

test.afterAll(async () => {
  await Promise.all(servers.map((server) => server.kill()));
  await upstream?.close();
  if (ADMIN_URL) await admin((client) => client.query(`drop database if exists ${database} with (force)`));
});

/** Ask on `server` as a browser would, and leave as soon as the answer's stream has begun. */
async function askAndLeave(server: NextServer, cookie: string, chatId: string): Promise<void> {
  const tab = new AbortController();
  const response = await fetch(`${server.url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, cookie },
    body: JSON.stringify({
      id: chatId,
      message: { id: `q-${chatId}`, role: "user", parts: [{ type: "text", text: MULTI_STEP }] },
    }),
    signal: tab.signal,
  });
  expect(response.status).toBe(200);
  await response.body?.getReader().read();
  tab.abort();
}

async function runningChats(server: NextServer, cookie: string, ids: string[]): Promise<string[]> {
  const list = await fetch(`${server.url}/api/chats`, { headers: { cookie } });
  const chats = (await list.json()).chats as Array<{ id: string; running: boolean }>;
  return ids.filter((id) => chats.find((chat) => chat.id === id)?.running !== false);
}

test("runs left by their browsers finish once on three instances, also those of an instance killed mid-run", async () => {
  const [first, second, third] = servers as [NextServer, NextServer, NextServer];
  const session = await fetch(`${third.url}/api/chats`);
  const cookie = (session.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
  expect(cookie).toMatch(/^bac_session=/);

  const ids = Array.from({ length: CHATS }, (_, n) => `instances-${Date.now()}-${n}`);
  // Half on the instance that dies, half on another; every browser leaves at once.
  await Promise.all(ids.map((id, n) => askAndLeave(n % 2 === 0 ? first : second, cookie, id)));
  // Each instance takes up its runs 3 s after their browsers left; the first dies in the middle of following.
  await expect
    .poll(() => requests.filter((r) => r.method === "GET" && r.path.startsWith(`${RESPONSES}/`)).length, {
      timeout: 20_000,
      message: "the servers follow the runs with nobody watching",
    })
    .toBeGreaterThan(CHATS * 2);
  const before = await followers(ids);
  const killedInstance = before.get(ids[0] as string);
  expect(killedInstance).toBeTruthy();
  await first.kill();

  await expect
    .poll(() => runningChats(third, cookie, ids), {
      timeout: 60_000,
      message: "every run ends, the killed instance's too",
    })
    .toEqual([]);
  // The killed instance's runs were finished by the others.
  const after = await followers(ids);
  for (const [n, id] of ids.entries()) {
    if (n % 2 === 0)
      expect(before.get(id), `chat ${id} was followed by the first instance`).toBe(killedInstance);
    if (n % 2 === 0) expect(after.get(id), `chat ${id} was taken over`).not.toBe(killedInstance);
    else expect(after.get(id)).not.toBe(killedInstance);
  }
  // One upstream run per chat: nothing was submitted twice.
  expect(requests.filter((r) => r.method === "POST" && r.path === RESPONSES)).toHaveLength(CHATS);
  for (const id of ids) {
    const exported = await fetch(`${third.url}/api/chat/${id}/export?format=markdown`, {
      headers: { cookie },
    });
    expect(exported.status).toBe(200);
    const markdown = await exported.text();
    expect(markdown.split(ANSWER).length - 1, `chat ${id}: the answer once`).toBe(1);
  }
});
