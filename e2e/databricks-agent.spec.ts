import { expect, type Page, test } from "@playwright/test";
import { type EmulatorRequestRecord, type EmulatorServer, startEmulatorServer } from "../emulator/server";
import {
  APPROVAL,
  agentAppEnv,
  attachServerOutputOnFailure,
  expectNoSecretShown,
  MULTI_STEP,
  newChat,
  SLOW_MULTI_STEP,
  SLOW_REPORT,
  STOPPED_NOTE,
  TOOLS,
} from "./agent-app";
import {
  approvalCard,
  ask,
  assistantMessages,
  expectAnswerIsUpstreams,
  expectToolsOnceInOrder,
  growthWhileWritten,
  lastAnswer,
  readableLines,
  recordFullRequests,
  type SeenRequest,
  toolCard,
  upstreamAnswer,
  upstreamStatus,
  waitForRunToEnd,
  watchAnswerLength,
} from "./helpers";
import { type NextServer, startNextServer } from "./next-server";
import { DATABRICKS_AGENT_PORT } from "./ports";
import { SECRET_CANARIES } from "./secrets";

// A chat on a Databricks agent app served by LongRunningAgentServer, offline: one standalone emulator plays the
// workspace (its OAuth token endpoint and its Apps API, which gives the agent app's URL by name) and the agent
// app behind the Apps proxy. The app under test is this spec's own `next start` on the Playwright build, given
// only the app's name and a service principal, as a Databricks App is. Every event stream the agent serves is
// cut 2.5 s after it opens, as the Apps proxy cuts long connections, so every run longer than that is resumed.

test.describe.configure({ timeout: 90_000 });

const APP_NAME = "sales-agent";
const CLIENT_ID = "chat-app-service-principal";
/** The multi-step run whose worker dies halfway through the answer, and another worker takes it over. */
const CRASH = "Run a crash test of the sales data analysis";

let agent: EmulatorServer;
let app: NextServer;
/** Every request the emulator received, in arrival order (no bodies, no tokens). */
const requests: EmulatorRequestRecord[] = [];
/** The same requests with their query and body. */
let seen: SeenRequest[] = [];
let output = "";

test.beforeAll(async () => {
  test.setTimeout(120_000);
  requests.length = 0;
  output = "";
  agent = await startEmulatorServer({
    port: 0,
    options: {
      flavor: "databricks-agent",
      timeScale: 0.25,
      servicePrincipal: { clientId: CLIENT_ID, clientSecret: SECRET_CANARIES.DATABRICKS_CLIENT_SECRET },
      apps: [APP_NAME],
      faults: { streamCutMs: 2_500 },
      // Another worker takes a crashed run over after half a second (the real server waits 10 s).
      agentServer: { crash: { pauseMs: 500 } },
    },
    onRequest: (request) => requests.push(request),
  });
  seen = recordFullRequests(agent);
  app = await startNextServer({
    port: DATABRICKS_AGENT_PORT,
    timeoutMs: 90_000,
    onOutput: (text) => {
      output += text;
    },
    env: agentAppEnv({
      SUPERVISOR_PROVIDER: "databricks-agent",
      // Open on purpose (a server of the tests' own on loopback): a real provider would otherwise refuse to start.
      AUTH_MODE: "anonymous",
      DATABRICKS_AGENT_APP: APP_NAME,
      DATABRICKS_HOST: agent.url,
      DATABRICKS_CLIENT_ID: CLIENT_ID,
      DATABRICKS_CLIENT_SECRET: SECRET_CANARIES.DATABRICKS_CLIENT_SECRET,
    }),
  });
});

test.afterAll(async () => {
  await app?.kill();
  await agent?.close();
});

attachServerOutputOnFailure(() => app);

/** The agent app's own routes (the workspace's token endpoint and Apps API are not the agent). */
const isAgentCall = (r: { path: string }) => /^\/(responses|invocations)(\/|$)/.test(r.path);
const creates = (since: number) =>
  seen.slice(since).filter((r) => r.method === "POST" && r.path === "/responses");
/** Resumed streams: `GET /responses/{id}?stream=true&starting_after=N` with N past the start. */
const resumes = (since: number) =>
  seen
    .slice(since)
    .filter(
      (r) =>
        r.method === "GET" &&
        /^\/responses\/[^/]+$/.test(r.path) &&
        r.query.get("stream") === "true" &&
        Number(r.query.get("starting_after")) > 0,
    );

/**
 * The last message's text as a person reads it. JSON in it (a tool card's arguments and output) is compared by
 * content: the arguments come back from the database with their keys in another order (see the report).
 */
function messageAsRead(page: Page): Promise<string> {
  return assistantMessages(page)
    .last()
    .evaluate((article) => {
      const copy = article.cloneNode(true) as HTMLElement;
      const canonical = (value: unknown): unknown =>
        Array.isArray(value)
          ? value.map(canonical)
          : value && typeof value === "object"
            ? Object.fromEntries(
                Object.entries(value)
                  .sort(([a], [b]) => (a < b ? -1 : 1))
                  .map(([key, item]) => [key, canonical(item)]),
              )
            : value;
      for (const pre of copy.querySelectorAll("pre")) {
        try {
          pre.textContent = JSON.stringify(canonical(JSON.parse(pre.textContent ?? "")));
        } catch {
          // not JSON: compared as it is
        }
      }
      return copy.textContent ?? "";
    });
}

test("a tool run on the app found by name, as its service principal: the answer grows as written, each tool once, a second turn", async ({
  page,
}) => {
  const samples = await watchAnswerLength(page, upstreamStatus(agent));
  const since = requests.length;
  const seenSince = seen.length;
  await newChat(page, app.url, MULTI_STEP);
  await expect(toolCard(page, "query_sales_genie")).toBeVisible();
  await expect(toolCard(page, "summarize_trends")).toBeVisible();
  await expect(lastAnswer(page)).toContainText("Here is what the sales data shows");
  await waitForRunToEnd(page);

  // The answer was on screen, growing, while the agent was still writing it (not revealed after the fact).
  const growth = growthWhileWritten(samples);
  expect(
    growth.length,
    `answer lengths seen while written: ${JSON.stringify(growth)}`,
  ).toBeGreaterThanOrEqual(3);
  await expectToolsOnceInOrder(page, TOOLS);
  await expectAnswerIsUpstreams(page, agent);
  await expect(assistantMessages(page).getByRole("alert")).toHaveCount(0);

  // A second turn in the same chat.
  await ask(page, "Thanks. And how did Q3 go?");
  await expect(assistantMessages(page)).toHaveCount(2);
  await expect(lastAnswer(page)).toContainText('You asked: "Thanks. And how did Q3 go?"');
  await waitForRunToEnd(page);
  await expect(assistantMessages(page).first()).toContainText("Here is what the sales data shows");
  expect(creates(seenSince)).toHaveLength(2);

  // The app found the agent by name (once), and signed in as its service principal for every call.
  const health = await (await page.request.get(`${app.url}/api/health`)).json();
  expect(health).toMatchObject({
    status: "ok",
    provider: "databricks-agent",
    auth: "oauth-m2m",
    streaming: true,
    cancelsRuns: false,
    agent: { kind: "databricks-agent", app: APP_NAME },
  });
  expect(requests.filter((r) => r.method === "POST" && r.path === "/oidc/v1/token").length).toBeGreaterThan(
    0,
  );
  expect(requests.filter((r) => r.method === "GET" && r.path === `/api/2.0/apps/${APP_NAME}`)).toHaveLength(
    1,
  );
  const calls = requests.slice(since).filter(isAgentCall);
  expect(calls.length).toBeGreaterThanOrEqual(2);
  expect(calls.filter((r) => r.credential !== "oauth")).toEqual([]);
  // The record with queries saw every request (it wraps the emulator's handler).
  expect(seen.length).toBe(requests.length);
});

test("streams the proxy cuts every 2.5 s are resumed by sequence number: every step once and in order", async ({
  page,
}) => {
  const seenSince = seen.length;
  await newChat(page, app.url, SLOW_MULTI_STEP);
  await expect(toolCard(page, "query_sales_genie")).toBeVisible();
  await waitForRunToEnd(page);

  await expectToolsOnceInOrder(page, TOOLS);
  await expectAnswerIsUpstreams(page, agent);
  // Each reasoning step once too.
  const upstreamItems = agent.emulator.inspect().at(-1)?.response.output ?? [];
  const reasoning = upstreamItems.filter((item) => item.type === "reasoning").length;
  expect(reasoning).toBe(2);
  await expect(assistantMessages(page).last().getByText("Reasoning", { exact: true })).toHaveCount(reasoning);
  await expect(assistantMessages(page).getByRole("alert")).toHaveCount(0);

  // One run, followed through one create and several resumes, each after the last sequence number seen.
  expect(creates(seenSince)).toHaveLength(1);
  const resumed = resumes(seenSince);
  expect(resumed.length).toBeGreaterThanOrEqual(4);
  expect(new Set(resumed.map((r) => r.path)).size).toBe(1);
  const after = resumed.map((r) => Number(r.query.get("starting_after")));
  // Never back to an earlier event (a cut while the agent was quiet is resumed from the same one).
  expect(after).toEqual([...after].sort((a, b) => a - b));
});

test("a worker that crashes mid-answer: the draft is set aside with a note, the answer shows once, and stays so", async ({
  page,
}) => {
  const seenSince = seen.length;
  await newChat(page, app.url, CRASH);
  const message = assistantMessages(page).last();
  await expect(message.locator("[data-discarded-draft]")).toBeVisible({ timeout: 30_000 });
  await expect(message.locator("[data-discarded-draft]")).toHaveText(
    "The agent's worker restarted mid-answer; it picked the run up again and its unfinished text was set aside.",
  );
  await waitForRunToEnd(page);
  await expect(message.getByText("Here is what the sales data shows")).toHaveCount(1);
  await expect(message.getByText(`You asked: "${CRASH}"`)).toHaveCount(1);
  await expectToolsOnceInOrder(page, TOOLS);
  await expectAnswerIsUpstreams(page, agent);
  await expect(message.getByRole("alert")).toHaveCount(0);
  expect(creates(seenSince)).toHaveLength(1);

  const shown = await messageAsRead(page);
  await page.reload();
  await expect(assistantMessages(page).last().locator("[data-discarded-draft]")).toHaveCount(1);
  await expect(lastAnswer(page)).toContainText("Here is what the sales data shows");
  expect(await messageAsRead(page)).toBe(shown);

  // The agent moved the conversation when it resumed the run; the next turn is sent there.
  const chatId = new URL(page.url()).pathname.split("/").at(-1);
  await ask(page, "Thanks. And how did Q3 go?");
  await expect(lastAnswer(page)).toContainText('You asked: "Thanks. And how did Q3 go?"');
  await waitForRunToEnd(page);
  expect(creates(seenSince).at(-1)?.body).toMatchObject({
    context: { conversation_id: `${chatId}::attempt-2` },
  });
});

test("Stop on a server that cannot cancel: the app stops following, says so, keeps what was shown, sends no cancel", async ({
  page,
}) => {
  const since = requests.length;
  await newChat(page, app.url, SLOW_REPORT);
  const answer = lastAnswer(page);
  await expect(answer.getByRole("heading", { level: 1 })).toContainText("Report:");
  // Mid-answer: the agent is still writing it.
  expect(upstreamStatus(agent)()).toBe("in_progress");
  await page.getByRole("button", { name: "Stop" }).click();

  const message = assistantMessages(page).last();
  await expect(message.locator('[data-run-outcome="cancelled"]')).toContainText(STOPPED_NOTE);
  await expect(message.getByRole("button", { name: "Retry" })).toBeVisible();
  await waitForRunToEnd(page);
  const shown = (await answer.textContent()) ?? "";
  expect(shown).toContain("Report:");
  // The app hung up on the agent's event stream…
  await expect.poll(() => agent.emulator.openStreams(), { message: "the app stops following" }).toBe(0);
  const followedUntil = requests.length;

  // …while the agent went on upstream and finished, and the chat did not follow it there.
  await expect.poll(upstreamStatus(agent), { timeout: 20_000 }).toBe("completed");
  expect(requests.slice(followedUntil).filter(isAgentCall)).toEqual([]);
  expect(await answer.textContent()).toBe(shown);
  expect(readableLines(upstreamAnswer(agent)).join("\n").length).toBeGreaterThan(shown.length);
  // Nothing asked the agent to cancel (it would answer 501).
  expect(requests.slice(since).filter((r) => r.path.endsWith("/cancel"))).toEqual([]);

  await page.reload();
  await expect(assistantMessages(page).last().locator('[data-run-outcome="cancelled"]')).toContainText(
    STOPPED_NOTE,
  );
  expect(await lastAnswer(page).textContent()).toBe(shown);

  // The next message goes.
  await ask(page, "Thanks, that is enough for now.");
  await expect(assistantMessages(page)).toHaveCount(2);
  await expect(lastAnswer(page)).toContainText('You asked: "Thanks, that is enough for now."');
  await waitForRunToEnd(page);
  expect(requests.slice(since).filter((r) => r.path.endsWith("/cancel"))).toEqual([]);
});

test("an approval: Approve runs the tool, and the agent's answer follows in the same message", async ({
  page,
}) => {
  const seenSince = seen.length;
  await newChat(page, app.url, APPROVAL);
  const card = approvalCard(page, "search_web");
  await expect(card).toBeVisible();
  await expect(card).toContainText("lakehouse news");
  await card.getByRole("button", { name: "Approve" }).click();

  const message = assistantMessages(page).last();
  await expect(message).toContainText("I ran search_web on web-search");
  await waitForRunToEnd(page);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(card.getByRole("status")).toContainText("Approved");
  await expect(card.getByRole("button", { name: "Approve" })).toBeDisabled();
  await expect(message.getByRole("alert")).toHaveCount(0);

  // The decision went to the agent as a new run whose input holds the request and the approval.
  const runs = creates(seenSince);
  expect(runs).toHaveLength(2);
  const input =
    (runs[1]?.body as { input?: Array<{ type?: string; approve?: unknown }> } | undefined)?.input ?? [];
  expect(input.filter((item) => item.type === "mcp_approval_request")).toHaveLength(1);
  expect(input.filter((item) => item.type === "mcp_approval_response")).toEqual([
    expect.objectContaining({ approve: true }),
  ]);
});

test("the health report shows the URL the app's name was resolved to", async ({ page }) => {
  await newChat(page, app.url, "What can you do?");
  await waitForRunToEnd(page);
  expect(requests.filter((r) => r.path === `/api/2.0/apps/${APP_NAME}`).length).toBeGreaterThan(0);
  const health = await (await page.request.get(`${app.url}/api/health`)).json();
  expect(health).toMatchObject({ agent: { kind: "databricks-agent", app: APP_NAME, url: agent.url } });
});

test("no secret reaches the server's output, the health report or the page", async ({ page }) => {
  await expectNoSecretShown(page, app.url, output, [
    SECRET_CANARIES.DATABRICKS_CLIENT_SECRET,
    "emulated-m2m-",
  ]);
  // One look-up of the app and one token for the whole spec: both are kept by the process.
  expect(requests.filter((r) => r.path.startsWith("/api/2.0/apps/"))).toHaveLength(1);
  expect(requests.filter((r) => r.path === "/oidc/v1/token")).toHaveLength(1);
});
