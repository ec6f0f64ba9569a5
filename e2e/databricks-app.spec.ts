import { expect, type Page, test } from "@playwright/test";
import { type EmulatorRequestRecord, type EmulatorServer, startEmulatorServer } from "../emulator/server";
import { ask, assistantMessages, waitForRunToEnd } from "./helpers";
import { type NextServer, startNextServer } from "./next-server";
import { DATABRICKS_APP_PORT } from "./ports";
import { SECRET_CANARIES } from "./secrets";

// A Databricks App, offline: the standalone emulator acts as the workspace (its OAuth token endpoint and the
// Supervisor API), and the browser plays the Apps proxy by sending the identity headers it forwards. The app
// has only its service principal's credentials, as the platform gives it, and no token.

test.describe.configure({ timeout: 90_000 });

/** A signed-in person's own token, as the proxy forwards it with user authorization on. */
const USER_TOKEN = "user-token-e2e";
let workspace: EmulatorServer;
let app: NextServer;
const requests: EmulatorRequestRecord[] = [];
let output = "";

test.beforeAll(async () => {
  test.setTimeout(120_000);
  workspace = await startEmulatorServer({
    port: 0,
    options: {
      timeScale: 0.1,
      token: USER_TOKEN,
      servicePrincipal: { clientId: "sp-client", clientSecret: SECRET_CANARIES.DATABRICKS_CLIENT_SECRET },
    },
    onRequest: (request) => requests.push(request),
  });
  app = await startNextServer({
    port: DATABRICKS_APP_PORT,
    timeoutMs: 90_000,
    onOutput: (text) => {
      output += text;
    },
    env: {
      // As Databricks Apps set them: a bare host name is not usable for a local server, so the URL.
      DATABRICKS_HOST: workspace.url,
      DATABRICKS_CLIENT_ID: "sp-client",
      DATABRICKS_CLIENT_SECRET: SECRET_CANARIES.DATABRICKS_CLIENT_SECRET,
      DATABRICKS_TOKEN: "",
      SUPERVISOR_PROVIDER: "",
      TRUST_FORWARDED_HEADERS: "true",
      SUPERVISOR_POLL_INTERVAL_MS: "250",
      PGLITE_DIR: "memory://",
      SESSION_SECRET: SECRET_CANARIES.SESSION_SECRET,
    },
  });
});

test.afterAll(async () => {
  await app?.kill();
  await workspace?.close();
});

const history = (page: Page) => page.getByRole("navigation", { name: "Chat history" });
const since = (n: number) => requests.slice(n).filter((r) => r.path.includes("/responses"));

test("signed in without user authorization: the app's service principal runs the agent (OAuth M2M)", async ({
  browser,
}) => {
  const context = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-email": "ada@example.com" } });
  const page = await context.newPage();
  const start = requests.length;
  await page.goto(`${app.url}/`);
  await ask(page, "What can you do?");
  await waitForRunToEnd(page);
  await expect(assistantMessages(page)).toHaveCount(1);
  expect(requests.some((r) => r.method === "POST" && r.path === "/oidc/v1/token")).toBe(true);
  const calls = since(start);
  expect(calls.length).toBeGreaterThan(1);
  expect(calls.every((r) => r.credential === "oauth")).toBe(true);
  expect(await (await page.request.get(`${app.url}/api/health`)).json()).toMatchObject({
    provider: "databricks",
    auth: "oauth-m2m",
    onBehalfOfUsers: true,
    access: "trusted-proxy",
  });
  await context.close();
});

test("with user authorization: the person's forwarded token runs the agent, and their chats are theirs", async ({
  browser,
}) => {
  const grace = await browser.newContext({
    extraHTTPHeaders: { "x-forwarded-email": "grace@example.com", "x-forwarded-access-token": USER_TOKEN },
  });
  const page = await grace.newPage();
  const start = requests.length;
  await page.goto(`${app.url}/`);
  await ask(page, "Run a multi-step analysis of the sales data");
  await waitForRunToEnd(page);
  const calls = since(start);
  expect(calls.length).toBeGreaterThan(1);
  expect(calls.every((r) => r.credential === "token")).toBe(true);
  await expect(history(page).getByRole("listitem")).toHaveCount(1);

  // Another person behind the same proxy sees none of it.
  const ada = await browser.newContext({ extraHTTPHeaders: { "x-forwarded-email": "ada2@example.com" } });
  const other = await ada.newPage();
  await other.goto(`${app.url}/`);
  await expect(other.getByRole("heading", { name: "What should the agent work on?" })).toBeVisible();
  await expect(history(other).getByRole("listitem")).toHaveCount(0);
  await grace.close();
  await ada.close();

  // Neither the service principal's secret nor the user's token reached the logs.
  for (const secret of [SECRET_CANARIES.DATABRICKS_CLIENT_SECRET, USER_TOKEN])
    expect(output).not.toContain(secret);
});
