import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, type Page, test } from "@playwright/test";
import { type EmulatorRequestRecord, type EmulatorServer, startEmulatorServer } from "../emulator/server";
import { ask, assistantMessages, toolCard, waitForRunToEnd } from "./helpers";
import { type NextServer, startNextServer } from "./next-server";
import { RESTART_PORT } from "./ports";
import { SECRET_CANARIES } from "./secrets";

// Restarts and Stop against standalone emulators over real HTTP: the upstream outlives the app, as a real
// Supervisor API does, and every request the app makes to it is recorded. The app is this spec's own
// `next start` (on the build made by the Playwright webServer) with its chats in a PGlite directory on disk,
// so a restart finds what the killed server stored.

// Every test kills and starts a server (a few seconds, far more on a busy machine) on top of its run.
test.describe.configure({ timeout: 90_000 });

const TOKEN = "dapi-e2e-token";
const APP = `http://127.0.0.1:${RESTART_PORT}`;
const RESPONSES = "/ai-gateway/mlflow/v1/responses";
const MULTI_STEP = "Run a multi-step analysis of the sales data";
const LONG_REPORT = "Write a long report on our quarterly sales.";

/**
 * The upstream for the restart tests, at half time: a multi-step run takes about 11 s, and its first tool card
 * shows after about 2.5 s, which leaves a wide window to kill the server in.
 */
let halfTime: EmulatorServer;
/**
 * The upstream for Stop, in real time: the long report takes 6 s, so Stop (a click, a route, a database read)
 * surely reaches it before it would have finished (at a quarter of that it sometimes did not).
 */
let realTime: EmulatorServer;
/** Every request either emulator received, in arrival order (no bodies, no tokens). */
const upstream: EmulatorRequestRecord[] = [];
let dataDir: string;
let app: { server: NextServer; upstream: EmulatorServer } | undefined;
/** Everything every server of this spec printed, for the check that logs hold no secrets or messages. */
let allOutput = "";

test.beforeAll(async () => {
  // The first start creates the database: about 10 s, several times that on a busy machine.
  test.setTimeout(120_000);
  const record = (request: EmulatorRequestRecord) => upstream.push(request);
  halfTime = await startEmulatorServer({
    port: 0,
    options: { timeScale: 0.5, token: TOKEN },
    onRequest: record,
  });
  realTime = await startEmulatorServer({
    port: 0,
    options: { timeScale: 1, token: TOKEN },
    onRequest: record,
  });
  dataDir = mkdtempSync(path.join(tmpdir(), "restart-e2e-"));
  // Done here, not inside a test's time.
  await startApp(halfTime, 90_000);
});

test.afterAll(async () => {
  await killApp();
  await halfTime?.close();
  await realTime?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** `next start` with the Databricks provider pointed at `emulator`, on this spec's database on disk. */
async function startApp(emulator: EmulatorServer, timeoutMs = 30_000): Promise<void> {
  const server = await startNextServer({
    port: RESTART_PORT,
    timeoutMs,
    onOutput: (text) => {
      allOutput += text;
    },
    env: {
      SUPERVISOR_PROVIDER: "databricks",
      // Open on purpose (a server of the tests' own on loopback): a real provider would otherwise refuse to start.
      AUTH_MODE: "anonymous",
      DATABRICKS_HOST: emulator.url,
      DATABRICKS_TOKEN: TOKEN,
      PGLITE_DIR: path.join(dataDir, "pglite"),
      SUPERVISOR_POLL_INTERVAL_MS: "250",
      // The key the Playwright servers sign sessions with: a browser keeps one cookie for 127.0.0.1.
      SESSION_SECRET: SECRET_CANARIES.SESSION_SECRET,
    },
  });
  app = { server, upstream: emulator };
}

async function killApp(): Promise<void> {
  const server = app?.server;
  app = undefined;
  await server?.kill();
}

/** Kill the app and start it again on the same database, with the same upstream unless told otherwise. */
async function restartApp(emulator = app?.upstream ?? halfTime): Promise<void> {
  await killApp();
  await startApp(emulator);
}

/** The app, running against `emulator` (restarted onto it when it runs against the other one). */
async function appOn(emulator: EmulatorServer): Promise<void> {
  if (app?.upstream !== emulator || app.server.process.exitCode !== null) await restartApp(emulator);
}

const creates = (since = 0) =>
  upstream.slice(since).filter((r) => r.method === "POST" && r.path === RESPONSES);
const retrieves = (responseId: string, since = 0) =>
  upstream.slice(since).filter((r) => r.method === "GET" && r.path === `${RESPONSES}/${responseId}`);

/** The id of the first response the app retrieved since `since` (it polls every 250 ms once created). */
async function firstPolledResponseId(since: number): Promise<string> {
  const polled = () =>
    upstream
      .slice(since)
      .find((r) => r.method === "GET" && /^\/ai-gateway\/mlflow\/v1\/responses\/[^/]+$/.test(r.path));
  await expect
    .poll(() => polled()?.path, { message: "the app polls the response upstream", intervals: [50] })
    .toBeTruthy();
  return (polled()?.path ?? "").slice(RESPONSES.length + 1);
}

/** The upstream's own view of a response, asked by the test (the app is not involved). */
async function upstreamStatus(emulator: EmulatorServer, responseId: string): Promise<string> {
  const response = await fetch(`${emulator.url}${RESPONSES}/${responseId}`, {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return ((await response.json()) as { status: string }).status;
}

async function sendOnNewChat(page: Page, text: string): Promise<string> {
  await page.goto(`${APP}/`);
  await ask(page, text);
  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
  return page.url();
}

/**
 * A multi-step run on the half-time upstream, its first tool card shown and the server polling it: the point to
 * kill the server at. The upstream is still working on it, so the killed server cannot have finished it.
 */
async function multiStepUnderWay(page: Page) {
  await appOn(halfTime);
  const since = upstream.length;
  const chatUrl = await sendOnNewChat(page, MULTI_STEP);
  await expect(toolCard(page, "query_sales_genie")).toBeVisible();
  const responseId = await firstPolledResponseId(since);
  expect(await upstreamStatus(halfTime, responseId)).toBe("in_progress");
  return { since, chatUrl, responseId };
}

test("a server killed mid-run and started again picks the run up from the database and finishes it once", async ({
  page,
}) => {
  const { since, chatUrl, responseId } = await multiStepUnderWay(page);

  await restartApp();
  const restartedAt = upstream.length;
  await page.goto(chatUrl);
  // The rest of the run (about 8 s at half time) comes in after the reload.
  await expect(page.getByText("Here is what the sales data shows")).toBeVisible({ timeout: 45_000 });
  await waitForRunToEnd(page);

  // The new server continued the same upstream run (polled it) and never submitted the question again.
  expect(retrieves(responseId, restartedAt).length).toBeGreaterThan(0);
  expect(creates(since)).toHaveLength(1);
  // Everything shows once: nothing lost at the kill, nothing replayed twice after it.
  await expect(toolCard(page, "query_sales_genie")).toHaveCount(1);
  await expect(toolCard(page, "summarize_trends")).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(page.getByText("Here is what the sales data shows")).toHaveCount(1);
});

test("a run left open by a killed server, with its page gone, is finished by the next server with nobody watching", async ({
  page,
}) => {
  const { since, chatUrl, responseId } = await multiStepUnderWay(page);
  await page.goto("about:blank");

  await restartApp();
  const restartedAt = upstream.length;
  const chatId = chatUrl.split("/").at(-1);
  const running = async () => {
    const list = await page.request.get(`${APP}/api/chats`);
    return ((await list.json()).chats as Array<{ id: string; running: boolean }>).find((c) => c.id === chatId)
      ?.running;
  };
  // No page is open on the chat: the new server follows the run to its end by itself.
  await expect.poll(running, { timeout: 45_000, message: "the run ends with nobody watching" }).toBe(false);
  expect(retrieves(responseId, restartedAt).length).toBeGreaterThan(0);
  expect(await upstreamStatus(halfTime, responseId)).toBe("completed");

  await page.goto(chatUrl);
  await expect(page.getByText("Here is what the sales data shows")).toHaveCount(1);
  await expect(toolCard(page, "query_sales_genie")).toHaveCount(1);
  await expect(toolCard(page, "summarize_trends")).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();
  expect(creates(since)).toHaveLength(1);
});

test("Stop cancels the run upstream, and the server polls it no more", async ({ page }) => {
  await appOn(realTime);
  const since = upstream.length;
  await sendOnNewChat(page, LONG_REPORT);
  const stopButton = page.getByRole("button", { name: "Stop" });
  await expect(stopButton).toBeVisible();
  // Stop while the server is polling the run: that polling is what must end.
  const responseId = await firstPolledResponseId(since);
  await stopButton.click();

  const isCancel = (r: EmulatorRequestRecord) =>
    r.method === "POST" && r.path === `${RESPONSES}/${responseId}/cancel`;
  await expect
    .poll(() => upstream.slice(since).some(isCancel), {
      timeout: 5_000,
      intervals: [50],
      message: "the upstream run is cancelled",
    })
    .toBe(true);
  await expect(assistantMessages(page).getByRole("alert")).toContainText("The run was stopped.");
  await waitForRunToEnd(page);

  // At one retrieve every 250 ms, a poll loop that outlived the cancel would show up several times in 2 s.
  await page.waitForTimeout(2_000);
  // The log is in arrival order, so "after" is exact even within one millisecond.
  const cancelIndex = upstream.findIndex((r, i) => i >= since && isCancel(r));
  expect(retrieves(responseId, cancelIndex + 1)).toEqual([]);
});

test("the history still lists past chats after a server restart", async ({ page }) => {
  // Each run of this spec starts from an empty database, so a fixed title is unique.
  const title = "Hello from before the restart";
  await sendOnNewChat(page, title);
  await expect(page.getByText(`You asked: "${title}"`)).toBeVisible();
  await waitForRunToEnd(page);

  await restartApp();
  await page.goto(`${APP}/`);
  const history = page.getByRole("navigation", { name: "Chat history" });
  const link = history.getByRole("link", { name: title });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page.getByText(`You asked: "${title}"`)).toHaveCount(1);
});

test("the servers' logs hold no token, no session key and no message text", () => {
  // Runs last: by now these servers have started, answered, been killed and stopped runs.
  expect(allOutput).toContain("Background Agent Chat: provider");
  for (const secret of [TOKEN, SECRET_CANARIES.SESSION_SECRET]) expect(allOutput).not.toContain(secret);
  for (const text of [MULTI_STEP, LONG_REPORT, "Hello from before the restart", "sales data shows"]) {
    expect(allOutput).not.toContain(text);
  }
});
