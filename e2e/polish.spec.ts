import { expect, type Page, test } from "@playwright/test";
import { ask, assistantMessages, lastAnswer, toolCard, waitForRunToEnd } from "./helpers";

const DATA_PROMPT = "Analyze Q2 sales by region with the Genie space";

const scroller = (page: Page) => page.locator("main .overflow-y-auto").first();
/** How far below the top of the conversation's view the last answer's text begins. */
const answerStartFromTop = (page: Page) =>
  lastAnswer(page).evaluate(
    (answer) =>
      answer.getBoundingClientRect().top -
      (answer.closest(".overflow-y-auto") as Element).getBoundingClientRect().top,
  );
const distanceFromBottom = (page: Page) =>
  scroller(page).evaluate((element) => element.scrollHeight - element.clientHeight - element.scrollTop);

test.describe("messages", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("an example prompt sends itself; code is highlighted and copies; a message copies as markdown", async ({
    page,
  }) => {
    await page.goto("/");
    // Nobody takes the emulator's scripted answers for a real agent's.
    await expect(page.locator("[data-emulator-notice]")).toContainText("built-in emulator");
    await page.getByRole("button", { name: /A data question with tools/ }).click();
    await expect(page).toHaveURL(/\/chat\//);
    await expect(page.locator('[data-role="user"]')).toHaveText(DATA_PROMPT);
    await waitForRunToEnd(page);

    const answer = assistantMessages(page).last();
    const code = answer.locator("[data-code-block]");
    await expect(code).toHaveCount(1);
    await expect(code.locator(".hljs-keyword").first()).toHaveText("SELECT");
    // Colours differ between keywords and the rest, or highlighting would be invisible.
    const colours = await code.evaluate((block) => [
      getComputedStyle(block.querySelector(".hljs-keyword") as Element).color,
      getComputedStyle(block.querySelector("pre") as Element).color,
    ]);
    expect(colours[0]).not.toBe(colours[1]);

    await code.getByRole("button", { name: "Copy code" }).click();
    await expect(code.getByRole("button", { name: "Copied" })).toBeVisible();
    const copiedCode = await page.evaluate(() => navigator.clipboard.readText());
    expect(copiedCode).toMatch(/^SELECT region, quarter, SUM\(revenue_usd\).*ORDER BY region, quarter;\n?$/);

    // The answer's table sits in its own frame, with borders.
    const table = answer.getByRole("region", { name: "Table" }).locator("table");
    await expect(table).toBeVisible();
    expect(
      await table
        .locator("td")
        .first()
        .evaluate((cell) => getComputedStyle(cell).borderTopStyle),
    ).toBe("solid");

    // A Copy control big enough to hit (at least 32 px square).
    const copyMessage = answer.getByRole("button", { name: "Copy message" });
    const box = await copyMessage.boundingBox();
    expect(box?.width).toBeGreaterThanOrEqual(32);
    expect(box?.height).toBeGreaterThanOrEqual(32);
    await copyMessage.click();
    // The clipboard still holds the code until the copy lands.
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toContain("| region |");
    const copiedMessage = await page.evaluate(() => navigator.clipboard.readText());
    expect(copiedMessage).toContain("```sql");
    expect(copiedMessage).not.toContain("query_sales_genie\n"); // tool cards are not part of it

    // Reloaded, the page keeps the server's rendering of the answer as it hydrates, then makes it live: the
    // code is still highlighted, and its Copy works.
    await page.evaluate(() => navigator.clipboard.writeText(""));
    await page.reload();
    await expect(code.locator(".hljs-keyword").first()).toHaveText("SELECT");
    await expect(code.locator("pre")).toHaveText(copiedCode);
    await expect
      .poll(async () => {
        await code.getByRole("button", { name: /^Cop/ }).click();
        return page.evaluate(() => navigator.clipboard.readText());
      })
      .toBe(copiedCode);
    await expect(code.getByRole("button", { name: "Copied" })).toBeVisible();
  });
});

test("a long answer is left at its start; scrolling up stops following the run; Jump to latest follows again", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1000, height: 600 });
  await page.goto("/");
  // Enough text to scroll through, then a slow run whose steps keep arriving for ~20 s.
  await ask(page, "Write a long report on our quarterly sales");
  // Before a word of it is shown, the status line says the upstream is writing the answer.
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-phase", "writing");
  await waitForRunToEnd(page);
  // A new long answer is read from its start: the view stops there instead of at its end.
  expect(await answerStartFromTop(page)).toBeGreaterThanOrEqual(0);
  expect(await answerStartFromTop(page)).toBeLessThanOrEqual(40);
  expect(await distanceFromBottom(page)).toBeGreaterThan(1000);
  const jump = page.getByRole("button", { name: "Jump to latest" });
  await jump.click();
  await expect(jump).toHaveCount(0);
  expect(await distanceFromBottom(page)).toBeLessThanOrEqual(40);

  await ask(page, "Run a slow multi-step analysis of the sales data");
  await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();
  await expect(toolCard(page, "query_sales_genie")).toHaveCount(1);
  expect(await distanceFromBottom(page)).toBeLessThanOrEqual(40);

  // The reader scrolls up to read the report: new steps must not pull them down.
  await scroller(page).hover();
  await page.mouse.wheel(0, -3000);
  await expect(jump).toBeVisible();
  // The pill sits under the conversation, never over what the reader is reading.
  const [pillTop, viewBottom] = await Promise.all([
    jump.evaluate((button) => button.getBoundingClientRect().top),
    scroller(page).evaluate((element) => element.getBoundingClientRect().bottom),
  ]);
  expect(pillTop).toBeGreaterThanOrEqual(viewBottom);
  const readingAt = await scroller(page).evaluate((element) => element.scrollTop);
  await expect(toolCard(page, "summarize_trends")).toHaveCount(1);
  expect(await scroller(page).evaluate((element) => element.scrollTop)).toBe(readingAt);

  await jump.focus();
  await page.keyboard.press("Enter");
  await expect(jump).toHaveCount(0);
  // The keyboard stays in the conversation rather than falling back to the page's start.
  expect(await scroller(page).evaluate((element) => element === document.activeElement)).toBe(true);
  expect(await distanceFromBottom(page)).toBeLessThanOrEqual(40);
  // Following again: the answer that arrives next comes into view, from its start (it is taller than the window).
  await waitForRunToEnd(page);
  await expect(assistantMessages(page).last().locator("[data-code-block]")).toHaveCount(1);
  expect(await answerStartFromTop(page)).toBeGreaterThanOrEqual(0);
  expect(await answerStartFromTop(page)).toBeLessThanOrEqual(40);
  await expect(jump).toBeVisible();
});

test("a long chat opens at its end, the earlier messages come in above without moving it, and scroll into view", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const chatId = `long-${Date.now()}`;
  // 24 questions answered at once: 48 messages, three times the window a long chat opens with.
  await page.goto("/");
  for (let n = 1; n <= 24; n++) {
    const response = await page.request.post("/api/chat", {
      headers: { "content-type": "application/json" },
      data: {
        id: chatId,
        message: {
          id: `q${n}`,
          role: "user",
          parts: [{ type: "text", text: `Answer this instantly, number ${n}` }],
        },
      },
    });
    expect(response.status()).toBe(200);
    await response.text();
  }
  await page.setViewportSize({ width: 1000, height: 600 });
  await page.goto(`/chat/${chatId}`);
  const question = (n: number) =>
    scroller(page).getByText(`Answer this instantly, number ${n}`, { exact: true });
  await expect(question(24)).toBeInViewport();
  expect(await distanceFromBottom(page)).toBeLessThanOrEqual(2);
  // Every earlier message is added above, and the view stays at the end meanwhile.
  await expect(page.locator("[data-role]")).toHaveCount(48);
  expect(await distanceFromBottom(page)).toBeLessThanOrEqual(2);
  await expect(question(24)).toBeInViewport();
  // Scrolled to, the earliest ones are there to read.
  await scroller(page).evaluate((element) => element.scrollTo({ top: 0 }));
  await expect(question(1)).toBeInViewport();
  await question(12).scrollIntoViewIfNeeded();
  await expect(question(12)).toBeInViewport();
});

test("the history column hides and shows from the keyboard", async ({ page }) => {
  await page.goto("/");
  const history = page.getByRole("navigation", { name: "Chat history" });
  const hide = page.getByRole("button", { name: "Hide chat history" });
  await hide.focus();
  await page.keyboard.press("Enter");
  await expect(history).toBeHidden();
  const show = page.getByRole("button", { name: "Show chat history" });
  await expect(show).toBeFocused();
  await page.keyboard.press("Space");
  await expect(history).toBeVisible();
});

test.describe("at 390 px wide", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  const pageWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

  test("wide tables, long code lines and long URLs scroll or wrap inside the message, never the page", async ({
    page,
  }) => {
    await page.goto("/");
    await expect(page.getByRole("button", { name: /A long run/ })).toBeVisible();
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);

    await ask(page, DATA_PROMPT);
    await waitForRunToEnd(page);
    // Open the tool card too: its output is a five-column table.
    await toolCard(page, "query_sales_genie").locator("summary").click();
    await expect(toolCard(page, "query_sales_genie").getByRole("region", { name: "Table" })).toBeVisible();
    const longUrl = `https://example.com/${"very-long-path-segment-".repeat(8)}end`;
    await ask(page, `What is at ${longUrl} please?`);
    await waitForRunToEnd(page);
    await expect(assistantMessages(page).last().getByRole("link", { name: longUrl })).toBeVisible();

    const code = page.locator("[data-code-block] pre").first();
    // The SQL line is longer than the screen: it scrolls inside its block.
    expect(await code.evaluate((pre) => pre.scrollWidth > pre.clientWidth)).toBe(true);
    expect(await pageWidth(page)).toBeLessThanOrEqual(390);
    // The header stays put: only the conversation's pane scrolls, never the page.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(844);
  });
});
