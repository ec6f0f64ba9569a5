import { expect, type Page, test } from "@playwright/test";
import { type EmulatorRequestRecord, type EmulatorServer, startEmulatorServer } from "../emulator/server";
import { ask, assistantMessages, waitForRunToEnd } from "./helpers";
import { type NextServer, startNextServer } from "./next-server";
import { STREAMING_PORT } from "./ports";
import { SECRET_CANARIES } from "./secrets";

// Streamed runs (background + stream, issue 6): the app is this spec's own `next start` on the OpenAI provider,
// pointed at a standalone emulator of the openai flavour over real HTTP, so the test can ask the upstream what
// it had written at the moment the browser showed something.

test.describe.configure({ timeout: 90_000 });

const KEY = "sk-e2e-streaming-key";
/** ~6,000 words, written over 5.5 s in real time. */
const LONG_REPORT = "Write a long report on our quarterly sales.";

let upstream: EmulatorServer;
let app: NextServer;
const requests: EmulatorRequestRecord[] = [];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  upstream = await startEmulatorServer({
    port: 0,
    options: { flavor: "openai", timeScale: 1, token: KEY },
    onRequest: (request) => requests.push(request),
  });
  app = await startNextServer({
    port: STREAMING_PORT,
    timeoutMs: 90_000,
    env: {
      SUPERVISOR_PROVIDER: "openai",
      // Open on purpose (a server of the tests' own on loopback): a real provider would otherwise refuse to start.
      AUTH_MODE: "anonymous",
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      OPENAI_API_KEY: KEY,
      PGLITE_DIR: "memory://",
      // Hand-overs every 2 s: the report is cut in the middle twice or more.
      STREAM_BUDGET_MS: "2000",
      SESSION_SECRET: SECRET_CANARIES.SESSION_SECRET,
    },
  });
});

test.afterAll(async () => {
  await app?.kill();
  await upstream?.close();
});

/** The upstream's newest response as it is now. */
function latestUpstreamResponse() {
  const response = upstream.emulator.inspect().at(-1)?.response as
    | {
        id: string;
        status: string;
        output: Array<{ type: string; status?: string; content?: Array<{ text?: string }> }>;
      }
    | undefined;
  if (!response) throw new Error("the upstream has no response");
  return response;
}

const answerText = async (page: Page) => (await assistantMessages(page).last().textContent()) ?? "";

test("the answer appears while the agent is still writing it, and ends whole, nothing twice", async ({
  page,
}) => {
  await page.goto(`${app.url}/`);
  const since = requests.length;
  await ask(page, LONG_REPORT);
  // The first words of the report on screen…
  await expect(assistantMessages(page).last().getByRole("heading", { level: 1 })).toContainText("Report:");
  // …while the upstream is still writing it: streamed, not polled after the fact.
  const atFirstWords = latestUpstreamResponse();
  expect(atFirstWords.status).toBe("in_progress");
  expect(atFirstWords.output.at(-1)).toMatchObject({ type: "message", status: "in_progress" });

  await waitForRunToEnd(page);
  const final = latestUpstreamResponse();
  expect(final.status).toBe("completed");
  const report = final.output.at(-1)?.content?.[0]?.text ?? "";
  // Every section heading of the report exactly once, through two or more hand-overs.
  const headings = report.split("\n").filter((line) => line.startsWith("## "));
  expect(headings.length).toBeGreaterThan(3);
  await expect(assistantMessages(page).last().getByRole("heading", { level: 2 })).toHaveCount(
    headings.length,
  );
  expect(await answerText(page)).toContain(report.slice(-60).trim().split(" ").slice(-4).join(" "));
  // One create, followed through its event stream: the app never polled the response.
  const calls = requests.slice(since);
  expect(calls.filter((r) => r.method === "POST" && r.path.endsWith("/responses"))).toHaveLength(1);
  expect(calls.filter((r) => r.method === "GET").length).toBeGreaterThan(1); // a re-opened stream per hand-over
  expect(calls.every((r) => r.method !== "GET" || r.path.endsWith(`/responses/${final.id}`))).toBe(true);
});

test("a reload in the middle of a streamed answer continues it without repeating it", async ({ page }) => {
  await page.goto(`${app.url}/`);
  const since = requests.length;
  await ask(page, LONG_REPORT);
  await expect(assistantMessages(page).last().getByRole("heading", { level: 2 }).first()).toBeVisible();
  await page.waitForURL(/\/chat\//);
  expect(latestUpstreamResponse().status).toBe("in_progress");
  const runId = latestUpstreamResponse().id;
  await page.reload();
  // This run as the upstream has it (by id: the latest stored response need not be this one).
  const thisRun = () =>
    upstream.emulator.inspect().find((view) => view.response.id === runId)?.response as
      | ReturnType<typeof latestUpstreamResponse>
      | undefined;
  // The reloaded page may not have shown Stop yet when it is first looked at, so wait for the upstream's end
  // before asking the page whether the run is over.
  await expect.poll(() => thisRun()?.status, { timeout: 45_000 }).toBe("completed");
  await waitForRunToEnd(page);
  const finished = thisRun();
  const report = finished?.output.at(-1)?.content?.[0]?.text ?? "";
  const headings = report.split("\n").filter((line) => line.startsWith("## "));
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page).last().getByRole("heading", { level: 2 })).toHaveCount(
    headings.length,
  );
  await expect(assistantMessages(page).last().getByRole("heading", { level: 1 })).toHaveCount(1);
  // The reload followed the same run: no second create.
  const creates = requests.slice(since).filter((r) => r.method === "POST" && r.path.endsWith("/responses"));
  expect(creates).toHaveLength(1);
});

test("Stop in the middle of a streamed answer keeps what was written and cancels the run upstream", async ({
  page,
}) => {
  await page.goto(`${app.url}/`);
  await ask(page, LONG_REPORT);
  await expect(assistantMessages(page).last().getByRole("heading", { level: 1 })).toBeVisible();
  const id = latestUpstreamResponse().id;
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(assistantMessages(page).getByRole("alert")).toContainText("The run was stopped.");
  await expect(assistantMessages(page).last().getByRole("heading", { level: 1 })).toContainText("Report:");
  await expect
    .poll(() => requests.some((r) => r.method === "POST" && r.path.endsWith(`/responses/${id}/cancel`)))
    .toBe(true);
  await expect.poll(() => latestUpstreamResponse().status).toBe("cancelled");
  // Stored with its note, wherever Stop fell (mid-stream or between a hand-over and its reconnect).
  await page.reload();
  await expect(assistantMessages(page).getByRole("alert")).toContainText("The run was stopped.");
  await expect(assistantMessages(page).last().getByRole("heading", { level: 1 })).toContainText("Report:");
});
