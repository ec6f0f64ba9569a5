import { expect, test } from "@playwright/test";
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
  recordFullRequests,
  recordStatusLine,
  type SeenRequest,
  toolCard,
  upstreamStatus,
  waitForRunToEnd,
  watchAnswerLength,
} from "./helpers";
import { type NextServer, startNextServer } from "./next-server";
import { AGENT_BRICKS_PORT } from "./ports";
import { SECRET_CANARIES } from "./secrets";

// A chat on an Agent Bricks agent (the runtime's DurableAgentServer), offline: a standalone emulator of the
// agent app behind the Apps proxy, reached by URL with a token. Each turn is a new invocation (an id the app
// picks) in the chat's session, followed through its event stream; a pause for approval resumes with the
// person's decisions; nothing can cancel a run. Every event stream is cut 2.5 s after it opens.

test.describe.configure({ timeout: 90_000 });

/** The token the agent app takes (a canary: it must never show in the server's output). */
const TOKEN = SECRET_CANARIES.DATABRICKS_TOKEN;

let agent: EmulatorServer;
let app: NextServer;
/** Every request the emulator received, in arrival order (no bodies, no tokens). */
const requests: EmulatorRequestRecord[] = [];
/** The same requests with their query, body and session header. */
let seen: SeenRequest[] = [];
let output = "";

test.beforeAll(async () => {
  test.setTimeout(120_000);
  requests.length = 0;
  output = "";
  agent = await startEmulatorServer({
    port: 0,
    options: { flavor: "agent-bricks", timeScale: 0.25, token: TOKEN, faults: { streamCutMs: 2_500 } },
    onRequest: (request) => requests.push(request),
  });
  seen = recordFullRequests(agent);
  app = await startNextServer({
    port: AGENT_BRICKS_PORT,
    timeoutMs: 90_000,
    onOutput: (text) => {
      output += text;
    },
    env: agentAppEnv({
      SUPERVISOR_PROVIDER: "agent-bricks",
      // Open on purpose (a server of the tests' own on loopback): a real provider would otherwise refuse to start.
      AUTH_MODE: "anonymous",
      AGENT_BRICKS_URL: agent.url,
      DATABRICKS_TOKEN: TOKEN,
    }),
  });
});

test.afterAll(async () => {
  await app?.kill();
  await agent?.close();
});

attachServerOutputOnFailure(() => app);

const isAgentCall = (r: { path: string }) => r.path.startsWith("/api/invocations");
/** The invocations the app created that the agent accepted (a first try refused for its session field is not one). */
const invocations = (since: number) =>
  seen.slice(since).filter((r) => r.method === "POST" && r.path === "/api/invocations");
const idOf = (r: SeenRequest | undefined) => (r?.body as { id?: string } | undefined)?.id;
const inputOf = (r: SeenRequest | undefined) => (r?.body as { input?: unknown } | undefined)?.input;
/** What the app sent as the session: the header, or the body field. */
const sessionOf = (r: SeenRequest | undefined) =>
  r?.session ?? (r?.body as { session_id?: string } | undefined)?.session_id;
/** Distinct invocations created since `since`, in order (a create sent again under the same id counts once). */
const runIds = (since: number) => [...new Set(invocations(since).map(idOf))];
/** Whether anything tried to cancel an invocation (the runtime has no route for it). */
const cancels = (since: number) =>
  seen
    .slice(since)
    .filter(
      (r) =>
        r.path.endsWith("/cancel") || (r.method === "DELETE" && /^\/api\/invocations\/[^/]+$/.test(r.path)),
    );

test("a multi-step run streamed: tool cards as they run, the answer growing as written; the next turn is a new invocation in the session", async ({
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

  const growth = growthWhileWritten(samples);
  expect(
    growth.length,
    `answer lengths seen while written: ${JSON.stringify(growth)}`,
  ).toBeGreaterThanOrEqual(3);
  await expectToolsOnceInOrder(page, TOOLS);
  await expectAnswerIsUpstreams(page, agent);
  await expect(assistantMessages(page).getByRole("alert")).toHaveCount(0);

  await ask(page, "Thanks. And how did Q3 go?");
  await expect(assistantMessages(page)).toHaveCount(2);
  await expect(lastAnswer(page)).toContainText('You asked: "Thanks. And how did Q3 go?"');
  await waitForRunToEnd(page);

  // Two invocations under ids the app picked, in one session, each with only its own new message.
  const ids = runIds(seenSince);
  expect(ids).toHaveLength(2);
  for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const [first, second] = ids.map((id) =>
    invocations(seenSince)
      .filter((r) => idOf(r) === id)
      .at(-1),
  );
  const chatId = new URL(page.url()).pathname.split("/").at(-1);
  expect(sessionOf(first)).toBe(chatId);
  expect(sessionOf(second)).toBe(chatId);
  expect(inputOf(first)).toMatchObject({ messages: [{ role: "user", content: MULTI_STEP }] });
  expect(inputOf(second)).toMatchObject({
    messages: [{ role: "user", content: "Thanks. And how did Q3 go?" }],
  });
  // Followed through the invocations' event streams.
  expect(
    seen.slice(seenSince).filter((r) => r.method === "GET" && r.path.endsWith("/events")).length,
  ).toBeGreaterThan(0);

  const health = await (await page.request.get(`${app.url}/api/health`)).json();
  expect(health).toMatchObject({
    status: "ok",
    provider: "agent-bricks",
    auth: "token",
    streaming: true,
    cancelsRuns: false,
    agent: { kind: "agent-bricks", url: agent.url },
  });
  const calls = requests.slice(since).filter(isAgentCall);
  expect(calls.length).toBeGreaterThanOrEqual(4);
  expect(calls.filter((r) => r.credential !== "token")).toEqual([]);
  expect(seen.length).toBe(requests.length);
});

test("a pause for approval, approved: the tool runs and the answer follows in the same message", async ({
  page,
}) => {
  const seenSince = seen.length;
  await newChat(page, app.url, APPROVAL);
  const card = approvalCard(page, "search_web");
  await expect(card).toBeVisible();
  await expect(card).toContainText("lakehouse news");
  await card.getByRole("button", { name: "Approve" }).click();

  const message = assistantMessages(page).last();
  // The answer takes about a second at a quarter time.
  await expect(message).toContainText("I ran search_web on web-search", { timeout: 10_000 });
  await waitForRunToEnd(page);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(card.getByRole("status")).toContainText("Approved");
  await expect(card.getByRole("button", { name: "Approve" })).toBeDisabled();
  // The call the agent announced before pausing and the approval are one card: no second, running one.
  await expect(card).toHaveCount(1);
  await expect(toolCard(page, "search_web")).toHaveCount(0);
  await expect(message.getByRole("alert")).toHaveCount(0);

  // The decision resumed the agent as a new invocation in the same session.
  const ids = runIds(seenSince);
  expect(ids).toHaveLength(2);
  const resume = invocations(seenSince)
    .filter((r) => idOf(r) === ids[1])
    .at(-1);
  expect(inputOf(resume)).toEqual({ resume: { decisions: [expect.objectContaining({ type: "approve" })] } });
  const pause = invocations(seenSince)
    .filter((r) => idOf(r) === ids[0])
    .at(-1);
  expect(sessionOf(resume)).toBe(sessionOf(pause));
});

test("a pause for approval, denied with a reason: the agent says it did not run the tool, and why", async ({
  page,
}) => {
  const seenSince = seen.length;
  await newChat(page, app.url, APPROVAL);
  const card = approvalCard(page, "search_web");
  await expect(card).toBeVisible();
  await card.getByLabel("Reason if you deny (optional)").fill("Not today");
  await card.getByRole("button", { name: "Deny" }).click();

  const message = assistantMessages(page).last();
  await expect(message).toContainText("I did not run search_web on web-search because you denied it", {
    timeout: 10_000,
  });
  await expect(lastAnswer(page)).toContainText('"Not today"');
  await waitForRunToEnd(page);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(card.getByRole("status")).toContainText("Denied: Not today");
  await expect(card).toHaveCount(1);
  await expect(toolCard(page, "search_web")).toHaveCount(0);
  await expect(card.getByRole("button", { name: "Deny" })).toBeDisabled();
  await expect(message.getByRole("alert")).toHaveCount(0);

  const ids = runIds(seenSince);
  expect(ids).toHaveLength(2);
  const resume = invocations(seenSince)
    .filter((r) => idOf(r) === ids[1])
    .at(-1);
  expect(inputOf(resume)).toEqual({
    resume: { decisions: [expect.objectContaining({ type: "reject", message: "Not today" })] },
  });
});

test("Stop: the app stops following (there is no cancel), says so, keeps what was shown; the next message is answered after it", async ({
  page,
}) => {
  const seenSince = seen.length;
  await newChat(page, app.url, SLOW_REPORT);
  const answer = lastAnswer(page);
  await expect(answer.getByRole("heading", { level: 1 })).toContainText("Report:");
  expect(upstreamStatus(agent)()).toBe("in_progress");
  await page.getByRole("button", { name: "Stop" }).click();

  const message = assistantMessages(page).last();
  await expect(message.locator('[data-run-outcome="cancelled"]')).toContainText(STOPPED_NOTE);
  await waitForRunToEnd(page);
  const shown = (await answer.textContent()) ?? "";
  expect(shown).toContain("Report:");
  await expect.poll(() => agent.emulator.openStreams(), { message: "the app stops following" }).toBe(0);
  expect(upstreamStatus(agent)()).toBe("in_progress");
  const followedUntil = seen.length;

  // The next message is a new invocation in the same session, which runs once the stopped one is over: the
  // status line says so meanwhile.
  const statusLine = await recordStatusLine(page);
  await ask(page, "Thanks, that is enough for now.");
  await expect(assistantMessages(page)).toHaveCount(2);
  await expect.poll(statusLine).toContainEqual(expect.stringContaining("Queued"));
  await expect(lastAnswer(page)).toContainText('You asked: "Thanks, that is enough for now."', {
    timeout: 30_000,
  });
  await waitForRunToEnd(page);
  // The stopped run was never followed again, nor cancelled, and its answer kept what was shown.
  const [stopped] = runIds(seenSince);
  expect(stopped).toBeTruthy();
  expect(seen.slice(followedUntil).filter((r) => stopped && r.path.includes(stopped))).toEqual([]);
  expect(cancels(seenSince)).toEqual([]);
  const stoppedAnswer = () => assistantMessages(page).first().locator(":scope > .markdown").last();
  expect(await stoppedAnswer().textContent()).toBe(shown);

  await page.reload();
  await expect(assistantMessages(page).first().locator('[data-run-outcome="cancelled"]')).toContainText(
    STOPPED_NOTE,
  );
  expect(await stoppedAnswer().textContent()).toBe(shown);
});

test("streams cut every 2.5 s are resumed after the last event: every step once and in order", async ({
  page,
}) => {
  const seenSince = seen.length;
  await newChat(page, app.url, SLOW_MULTI_STEP);
  await expect(toolCard(page, "query_sales_genie")).toBeVisible();
  await waitForRunToEnd(page);

  await expectToolsOnceInOrder(page, TOOLS);
  await expectAnswerIsUpstreams(page, agent);
  const upstreamItems = agent.emulator.inspect().at(-1)?.response.output ?? [];
  expect(upstreamItems.filter((item) => item.type === "function_call")).toHaveLength(2);
  await expect(assistantMessages(page).getByRole("alert")).toHaveCount(0);

  // One invocation, its events read again and again, each time after the last event id seen.
  const ids = runIds(seenSince);
  expect(ids).toHaveLength(1);
  const reads = seen
    .slice(seenSince)
    .filter((r) => r.method === "GET" && r.path === `/api/invocations/${ids[0]}/events`);
  const after = reads.map((r) => Number(r.query.get("after")));
  expect(after.filter((n) => n > 0).length).toBeGreaterThanOrEqual(4);
  // Never back to an earlier event (a cut while the agent was quiet is resumed from the same one).
  expect(after).toEqual([...after].sort((a, b) => a - b));
});

test("no secret reaches the server's output, the health report or the page", async ({ page }) => {
  await expectNoSecretShown(page, app.url, output, [TOKEN]);
});
