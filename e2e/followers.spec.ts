import { type BrowserContext, expect, test } from "@playwright/test";
import { ask, assistantMessages, toolCard } from "./helpers";
import { SECRET_CANARIES } from "./secrets";

// Runs that finish with nobody watching: the server follows a run whose page is gone to its end, the app's own
// function tools included, and the chat shows it complete when it is opened again.

/** Whether the chat's run is still going, as the history list (read from the database) says. */
async function isRunning(context: BrowserContext, chatId: string): Promise<boolean | undefined> {
  const list = await context.request.get("/api/chats");
  const chats = (await list.json()).chats as Array<{ id: string; running: boolean }>;
  return chats.find((chat) => chat.id === chatId)?.running;
}

/**
 * Ask a two-cycle question (the agent calls the app's own get_current_time, then answers with its result) on a
 * new page, and close the page once the run is under way: the chat's id.
 */
async function askAndClose(context: BrowserContext): Promise<string> {
  const page = await context.newPage();
  await page.goto("/");
  await ask(page, "What time is it in Tokyo?");
  await page.waitForURL(/\/chat\//);
  const chatId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  await expect.poll(() => isRunning(context, chatId)).toBe(true);
  await page.close();
  return chatId;
}

test("a run whose page was closed goes on through its function-tool cycle to the end, and opens complete", async ({
  context,
}) => {
  const chatId = await askAndClose(context);

  // Nobody watches: the server runs the tool, submits the next cycle and stores the end.
  await expect.poll(() => isRunning(context, chatId), { timeout: 30_000 }).toBe(false);

  const again = await context.newPage();
  await again.goto(`/chat/${chatId}`);
  await expect(assistantMessages(again)).toHaveCount(1);
  const answer = assistantMessages(again).first();
  await expect(answer).toContainText("Asia/Tokyo");
  await expect(answer.getByText(/^It is .* in Asia\/Tokyo\.$/)).toHaveCount(1);
  const card = toolCard(again, "get_current_time");
  await expect(card).toHaveCount(1);
  await expect(card).toContainText("ran in the app");
  await expect(again.getByRole("button", { name: "Stop" })).toHaveCount(0);
  await expect(again.getByRole("button", { name: "Send" })).toBeVisible();
});

test("the cron route (Vercel Cron) follows a run whose page closed to its end, and only with the secret", async ({
  context,
  request,
}) => {
  const chatId = await askAndClose(context);

  const refused = await request.get("/api/cron/follow-runs", { headers: { authorization: "Bearer guess" } });
  expect(refused.status()).toBe(401);
  // Before the server's own grace for a returning browser is over (3 s): a call follows the run itself (a
  // serverless function would have no other loop) and answers when it ended. Until the server has seen the
  // page's stream end, the run is that stream's and a call leaves it; a call may also follow runs other tests
  // left. So: calls until one that followed something returns with this chat's run over.
  await expect
    .poll(
      async () => {
        const cron = await request.get("/api/cron/follow-runs?budgetMs=30000", {
          headers: { authorization: `Bearer ${SECRET_CANARIES.CRON_SECRET}` },
        });
        expect(cron.status()).toBe(200);
        const report = (await cron.json()) as { followed: number; left: number };
        expect(report.left).toBe(0);
        return report.followed >= 1 && !(await isRunning(context, chatId));
      },
      { intervals: [100], timeout: 10_000 },
    )
    .toBe(true);

  const again = await context.newPage();
  await again.goto(`/chat/${chatId}`);
  await expect(
    assistantMessages(again)
      .first()
      .getByText(/^It is .* in Asia\/Tokyo\.$/),
  ).toHaveCount(1);
  await expect(toolCard(again, "get_current_time")).toHaveCount(1);
});
