import { expect, test } from "@playwright/test";
import { ask, assistantMessages, waitForRunToEnd } from "./helpers";
import { type NextServer, startNextServer } from "./next-server";
import { LIMITS_PORT } from "./ports";
import { SECRET_CANARIES } from "./secrets";

// A server of the same build whose people may have 1 run going at once and start 2 a day.
let app: NextServer;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  app = await startNextServer({
    port: LIMITS_PORT,
    timeoutMs: 90_000,
    env: {
      SUPERVISOR_PROVIDER: "emulator",
      EMULATOR_TIME_SCALE: "0.5",
      SUPERVISOR_POLL_INTERVAL_MS: "250",
      PGLITE_DIR: "memory://",
      SESSION_SECRET: SECRET_CANARIES.SESSION_SECRET,
      MAX_RUNS_IN_FLIGHT_PER_PERSON: "1",
      MAX_RUNS_PER_DAY_PER_PERSON: "2",
    },
  });
});

test.afterAll(async () => {
  await app?.kill();
});

test("a person over a limit is told which one and when it frees up, in the chat, and the run never starts", async ({
  page,
  context,
}) => {
  await page.goto(`${app.url}/`);
  await ask(page, "Analyze Q2 sales by region with the Genie space");
  await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();

  // A second chat while the first run goes on: refused, and said so under the conversation.
  const second = await context.newPage();
  // A refused question has no run to follow: the page never asks for one (which would only find no chat).
  const followed: string[] = [];
  second.on("request", (request) => {
    if (/\/api\/chat\/[^/]+\/stream/.test(request.url())) followed.push(request.url());
  });
  await second.goto(`${app.url}/`);
  await ask(second, "What time is it?");
  await expect(
    second.getByRole("alert").filter({
      hasText:
        "You have 1 run going already, the most you may have at once. Wait for one to finish, or stop one",
    }),
  ).toBeVisible();
  await expect(assistantMessages(second)).toHaveCount(0);
  // Nothing of it was stored: the question is back in the box, to send later, and the chat has no address yet.
  await expect(second.locator('[data-role="user"]')).toHaveCount(0);
  await expect(second.getByRole("textbox", { name: "Message" })).toHaveValue("What time is it?");
  await expect(second).toHaveURL(`${app.url}/`);
  await expect(second.getByRole("button", { name: "Send" })).toBeVisible();

  // Stopping the first frees its place at once: the question may run now, the second run of the day.
  await page.getByRole("button", { name: "Stop" }).click();
  await waitForRunToEnd(page);
  await second.goto(`${app.url}/`);
  await ask(second, "What time is it?");
  await waitForRunToEnd(second);
  await expect(assistantMessages(second)).toHaveCount(1);

  // A third run in the same 24 hours is refused, with the time the first run's day is over.
  await second.goto(`${app.url}/`);
  await ask(second, "Hello again");
  await expect(
    second.getByRole("alert").filter({
      hasText:
        /You have started 2 runs in the last 24 hours, the most allowed\. The next one frees up at \d\d:\d\d UTC\./,
    }),
  ).toBeVisible();
  // Nothing of the refused turns was kept: the person's chats are the two that ran.
  const chats = (await (await second.request.get(`${app.url}/api/chats`)).json()) as { chats: unknown[] };
  expect(chats.chats).toHaveLength(2);
  expect(followed).toEqual([]);
  await expect(second.getByText("There is no such chat.")).toHaveCount(0);
});
