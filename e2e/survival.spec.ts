import { expect, type Page, test } from "@playwright/test";
import { approvalCard, ask, assistantMessages, toolCard, waitForRunToEnd } from "./helpers";
import { BUDGET_PORT, PORT } from "./ports";

const MULTI_STEP = "Run a multi-step analysis of the sales data";
/** The same run at a quarter of the speed (~20 s here): time to reload or press Stop mid-run, even on a busy machine. */
const SLOW_MULTI_STEP = "Run a slow multi-step analysis of the sales data";

/** What a person reads in the answer: every markdown block and every tool name, in order. */
async function readTranscript(page: Page) {
  const answer = assistantMessages(page).last();
  return {
    text: await answer.locator(".markdown").allTextContents(),
    tools: await answer
      .locator("[data-tool-name]")
      .evaluateAll((cards) => cards.map((c) => c.getAttribute("data-tool-name"))),
  };
}

test("reloading mid-run shows what has finished, continues the run live, and shows the answer once", async ({
  page,
}) => {
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await ask(page, SLOW_MULTI_STEP);
  await expect(toolCard(page, "query_sales_genie")).toBeVisible();
  await page.reload();
  // Still running after the reload: the status line and Stop are back, and the finished tool is shown.
  await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();
  await expect(toolCard(page, "query_sales_genie")).toHaveCount(1);
  await waitForRunToEnd(page);
  await expect(toolCard(page, "query_sales_genie")).toHaveCount(1);
  await expect(toolCard(page, "summarize_trends")).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(page.getByText("Here is what the sales data shows")).toHaveCount(1);
});

test("a run handed over every 2 s ends with the same transcript as an uncut run", async ({ page }) => {
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await ask(page, MULTI_STEP);
  await waitForRunToEnd(page);
  const uncut = await readTranscript(page);

  const reconnects: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "GET" && /\/api\/chat\/[^/]+\/stream$/.test(request.url()))
      reconnects.push(request.url());
  });
  await page.goto(`http://127.0.0.1:${BUDGET_PORT}/`);
  await ask(page, MULTI_STEP);
  await waitForRunToEnd(page);
  const cut = await readTranscript(page);

  expect(reconnects.length).toBeGreaterThan(0);
  expect(cut).toEqual(uncut);
  expect(cut.tools).toEqual(["query_sales_genie", "summarize_trends"]);
});

test("Stop cancels the run: the chat keeps what was shown, says it stopped, and takes the next message", async ({
  page,
}) => {
  const cancels: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/cancel")) cancels.push(request.url());
  });
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await ask(page, SLOW_MULTI_STEP);
  await expect(toolCard(page, "query_sales_genie")).toBeVisible();
  await page.getByRole("button", { name: "Stop" }).click();
  await expect(assistantMessages(page).getByRole("alert")).toContainText("The run was stopped.");
  await waitForRunToEnd(page);
  expect(cancels).toHaveLength(1);
  await expect(toolCard(page, "query_sales_genie")).toHaveCount(1);
  // Nothing more arrives for the stopped run.
  await page.waitForTimeout(1500);
  await expect(toolCard(page, "summarize_trends")).toHaveCount(0);

  await page.reload();
  await expect(assistantMessages(page).getByRole("alert")).toContainText("The run was stopped.");
  await ask(page, "Hello after stopping");
  await waitForRunToEnd(page);
  await expect(page.getByText('You asked: "Hello after stopping"')).toHaveCount(1);
});

test("Retry runs a stopped answer again in place, also after a reload", async ({ page }) => {
  await page.goto(`http://127.0.0.1:${PORT}/`);
  // At full speed (~5 s): Stop lands on its first tool step, and the retried run takes no longer than it must.
  await ask(page, MULTI_STEP);
  await expect(toolCard(page, "query_sales_genie")).toBeVisible();
  await page.getByRole("button", { name: "Stop" }).click();
  await waitForRunToEnd(page);
  await page.reload();
  const retry = page.getByRole("button", { name: "Retry" });
  await expect(retry).toHaveCount(1);
  await retry.click();
  await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();
  await expect(retry).toHaveCount(0); // not offered while the run goes on
  await waitForRunToEnd(page);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page).getByRole("note")).toHaveText("Retried after: The run was stopped.");
  await expect(assistantMessages(page).getByRole("alert")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(0);
  // The retried answer is stored: a reload shows the same.
  const answer = await assistantMessages(page).locator(".markdown").allTextContents();
  await page.reload();
  await expect(assistantMessages(page).getByRole("note")).toHaveText("Retried after: The run was stopped.");
  expect(await assistantMessages(page).locator(".markdown").allTextContents()).toEqual(answer);
});

test("a Retry that fails again says so below the retried text, the note staying where the retry began", async ({
  page,
}) => {
  // On the 2 s stream budget: the retried run is handed over, and the message rebuilt, at least once.
  await page.goto(`http://127.0.0.1:${BUDGET_PORT}/`);
  await ask(page, "Make this request fail, please.");
  await waitForRunToEnd(page);
  const message = assistantMessages(page).last();
  await expect(message.getByRole("alert")).toHaveCount(1);
  await page.getByRole("button", { name: "Retry" }).click();
  await waitForRunToEnd(page);
  const check = async () => {
    await expect(assistantMessages(page)).toHaveCount(1);
    await expect(message.getByRole("note")).toHaveText(/^Retried after: /);
    await expect(message.getByRole("alert")).toHaveCount(1);
    // In reading order: the first attempt's text, the note, the retried text, and its failure last.
    const order = await message
      .locator('[role="note"], [role="alert"], .markdown')
      .evaluateAll((nodes) =>
        nodes.map((n) => n.getAttribute("role") ?? "text").filter((r, i, all) => r !== all[i - 1]),
      );
    expect(order).toEqual(["text", "note", "text", "alert"]);
    await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(1);
  };
  await check();
  await page.reload();
  await check();
});

test("an approval follow-up survives hand-overs too", async ({ page }) => {
  await page.goto(`http://127.0.0.1:${BUDGET_PORT}/`);
  await ask(page, "Search the web for lakehouse news");
  const card = approvalCard(page, "search_web");
  await waitForRunToEnd(page);
  await card.getByRole("button", { name: /Approve/ }).click();
  await waitForRunToEnd(page);
  await expect(card.getByText("Result", { exact: true })).toBeVisible();
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(page.getByText(/I ran/)).toHaveCount(1);
});
