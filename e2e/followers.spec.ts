import { type BrowserContext, expect, test } from "@playwright/test";
import { ask, assistantMessages, toolCard } from "./helpers";

// Runs that finish with nobody watching: the server follows a run whose page is gone to its end, the app's own
// function tools included, and the chat shows it complete when it is opened again.

/** Whether the chat's run is still going, as the history list (read from the database) says. */
async function isRunning(context: BrowserContext, chatId: string): Promise<boolean | undefined> {
  const list = await context.request.get("/api/chats");
  const chats = (await list.json()).chats as Array<{ id: string; running: boolean }>;
  return chats.find((chat) => chat.id === chatId)?.running;
}

test("a run whose page was closed goes on through its function-tool cycle to the end, and opens complete", async ({
  context,
}) => {
  const page = await context.newPage();
  await page.goto("/");
  // Two cycles: the agent asks for the app's own get_current_time, then answers with its result.
  await ask(page, "What time is it in Tokyo?");
  await page.waitForURL(/\/chat\//);
  const chatId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  await expect.poll(() => isRunning(context, chatId)).toBe(true);
  await page.close();

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
