import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { ask, assistantMessages, recordStatusLine, toolCard, waitForRunToEnd } from "./helpers";

test("a question is answered in the background and the answer is shown exactly once", async ({ page }) => {
  await page.goto("/");
  const statusLine = await recordStatusLine(page);
  await ask(page, "What does background mode do?");
  await expect.poll(statusLine).toContainEqual(expect.stringMatching(/Submitting|Queued|Running/));
  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
  await waitForRunToEnd(page);
  await expect(page.getByText('You asked: "What does background mode do?"')).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
});

test("a second turn does not show the first answer again (echoed history is skipped)", async ({ page }) => {
  await page.goto("/");
  await ask(page, "First question about revenue");
  await waitForRunToEnd(page);
  await ask(page, "Second question about churn");
  await waitForRunToEnd(page);
  await expect(page.getByText('You asked: "First question about revenue"')).toHaveCount(1);
  await expect(page.getByText('You asked: "Second question about churn"')).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(2);
});

test("a finished answer shows what it took, after a reload too, and the header adds up the chat", async ({
  page,
}) => {
  await page.goto("/");
  await ask(page, "A quick question about revenue");
  await waitForRunToEnd(page);
  const usage = assistantMessages(page).last().locator("[data-answer-usage]");
  // The emulated Supervisor API reports input and output tokens, no cached or reasoning detail for this run.
  await expect(usage.locator("summary")).toHaveText(
    /^Usage: \d+\.\d s · 1 cycle · 0 tool calls · [\d,]+ tokens$/,
  );
  const line = await usage.locator("summary").textContent();
  await usage.locator("summary").click();
  await expect(usage.locator("[data-answer-tokens]")).toHaveText(/^Tokens: [\d,]+ in · [\d,]+ out$/);

  await page.reload();
  await expect(usage.locator("summary")).toHaveText(line ?? "");

  const usageButton = page.getByRole("button", { name: "Usage", exact: true });
  await usageButton.click();
  const totals = page.locator("[data-chat-usage]");
  await expect(totals).toContainText("Answers1");
  await expect(totals).toContainText("Tool calls0");
  await ask(page, "What time is it in Tokyo?");
  await waitForRunToEnd(page);
  // Read again once the run ended: the app's own tool made it two cycles and one call.
  await expect(assistantMessages(page).last().locator("[data-answer-usage]")).toContainText(
    "2 cycles · 1 tool call",
  );
  if ((await usageButton.getAttribute("aria-expanded")) !== "true") await usageButton.click();
  await expect(totals).toContainText("Answers2");
  await expect(totals).toContainText("Tool calls1");
});

test("Shift+Enter makes a new line and Enter sends", async ({ page }) => {
  await page.goto("/");
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("line one");
  await box.press("Shift+Enter");
  await box.pressSequentially("line two");
  await expect(box).toHaveValue("line one\nline two");
  await box.press("Enter");
  await expect(box).toHaveValue("");
  await expect(page.locator('[data-role="user"]')).toHaveText("line one\nline two");
  await waitForRunToEnd(page);
});

test("a failing run shows the upstream's error message in the chat", async ({ page }) => {
  await page.goto("/");
  await ask(page, "Please fail this run");
  await waitForRunToEnd(page);
  await expect(assistantMessages(page).getByRole("alert")).toContainText("emulated failure");
});

test("a multi-step run shows its tool calls as they happen and then the answer", async ({ page }) => {
  await page.goto("/");
  await ask(page, "Run a multi-step analysis of the sales data");
  // The first tool card shows while the run is still going.
  await expect(toolCard(page, "query_sales_genie")).toBeVisible();
  await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();
  await waitForRunToEnd(page);
  await expect(toolCard(page, "query_sales_genie")).toHaveCount(1);
  await expect(toolCard(page, "summarize_trends")).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(assistantMessages(page).locator(".markdown").last()).not.toBeEmpty();
});

test("model output renders inert: no script runs and javascript: links are neutralised", async ({ page }) => {
  // Markdown from the model goes through the same renderer as every answer; the user's own text is echoed
  // back by the emulator inside the answer, so hostile input here is hostile model output there.
  const dialogs: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto("/");
  await ask(page, '<img src=x onerror="alert(1)"> [click me](javascript:alert(2)) <script>alert(3)</script>');
  await waitForRunToEnd(page);
  const answer = assistantMessages(page).first();
  await expect(answer.locator("img, script")).toHaveCount(0);
  for (const href of await answer
    .locator("a")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href") ?? ""))) {
    expect(href.toLowerCase()).not.toContain("javascript:");
  }
  expect(dialogs).toEqual([]);
});

test("a several-thousand-word answer arrives in full", async ({ page }) => {
  await page.goto("/");
  await ask(page, "Write a long report on our quarterly sales");
  await waitForRunToEnd(page);
  const blocks = await assistantMessages(page).first().locator("p, li, h1, h2, h3, td, th").allTextContents();
  expect(blocks.join(" ").split(/\s+/).filter(Boolean).length).toBeGreaterThan(5500);
});

/** The version switcher of the user message (or answer) `which`, and its position as shown ("2 / 3"). */
const switcherOf = (page: Page, which: "question" | "answer") =>
  page
    .locator(which === "question" ? "[data-user-message]" : '[data-role="assistant"]')
    .getByRole("group", { name: "Versions" });

test("edit and resend a question: a new answer, and the original one version back, also after a reload", async ({
  page,
}) => {
  await page.goto("/");
  await ask(page, "What is a lakehouse?");
  await waitForRunToEnd(page);

  // Esc leaves the message as it was.
  await page.getByRole("button", { name: "Edit message" }).click();
  await page.getByRole("textbox", { name: "Edit your message" }).press("Escape");
  await expect(page.getByRole("textbox", { name: "Edit your message" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Edit message" })).toBeFocused();

  await page.getByRole("button", { name: "Edit message" }).click();
  const box = page.getByRole("textbox", { name: "Edit your message" });
  await expect(box).toHaveValue("What is a lakehouse?");
  await box.fill("What is a data mesh?");
  await box.press("Enter");
  await waitForRunToEnd(page);
  await expect(page.getByText('You asked: "What is a data mesh?"')).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(switcherOf(page, "question")).toContainText("2 / 2");

  await switcherOf(page, "question").getByRole("button", { name: "Previous version" }).click();
  await expect(page.locator('[data-role="user"]')).toHaveText("What is a lakehouse?");
  await expect(page.getByText('You asked: "What is a lakehouse?"')).toHaveCount(1);
  await expect(switcherOf(page, "question")).toContainText("1 / 2");
  await expect(switcherOf(page, "question").getByRole("button", { name: "Next version" })).toBeFocused();

  // The switcher, Edit, Regenerate and the edit box pass axe (e2e/a11y.spec.ts scans the rest of the page).
  const axe = await new AxeBuilder({ page }).analyze();
  expect(axe.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);
  await page.getByRole("button", { name: "Edit message" }).click();
  const editing = await new AxeBuilder({ page }).analyze();
  expect(editing.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

  await page.reload();
  await expect(page.locator('[data-role="user"]')).toHaveText("What is a lakehouse?");
  await expect(switcherOf(page, "question")).toContainText("1 / 2");
  await expect(page.getByText('You asked: "What is a data mesh?"')).toHaveCount(0);
});

test("regenerate an answer: version 2 / 2, and back to the first, also after a reload", async ({ page }) => {
  await page.goto("/");
  await ask(page, "Tell me about warehouses");
  await waitForRunToEnd(page);
  await page.getByRole("button", { name: "Regenerate answer" }).click();
  await waitForRunToEnd(page);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(switcherOf(page, "answer")).toContainText("2 / 2");
  await expect(page.getByText('You asked: "Tell me about warehouses"')).toHaveCount(1);

  await switcherOf(page, "answer").getByRole("button", { name: "Previous version" }).click();
  await expect(switcherOf(page, "answer")).toContainText("1 / 2");
  await page.reload();
  await expect(switcherOf(page, "answer")).toContainText("1 / 2");
  await switcherOf(page, "answer").getByRole("button", { name: "Next version" }).click();
  await expect(switcherOf(page, "answer")).toContainText("2 / 2");
  await expect(page.getByText('You asked: "Tell me about warehouses"')).toHaveCount(1);
});
