import { expect, type Page, test } from "@playwright/test";
import { approvalCard, ask, assistantMessages, toolCard, waitForRunToEnd } from "./helpers";
import { switchToDarkTheme } from "./theme";

/**
 * Screenshots for a person to look at (no pixel baselines: they differ from machine to machine): a chat with a
 * tool card, a table, a code block and an approval card, on desktop and on a phone, light and dark. They are
 * attached to the test and written to its output folder.
 */

async function chatWithEverything(page: Page) {
  await page.goto("/");
  await ask(page, "Analyze Q2 sales by region with the Genie space");
  await waitForRunToEnd(page);
  await toolCard(page, "query_sales_genie").locator("summary").click();
  await ask(page, "Search the web for lakehouse news");
  await expect(approvalCard(page, "search_web").getByRole("button", { name: "Approve" })).toBeEnabled();
}

async function shoot(page: Page, name: string) {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path });
  await test.info().attach(name, { path, contentType: "image/png" });
}

/** The answer with the table and the code, then the bottom of the chat with the approval card. */
async function shootBoth(page: Page, prefix: string) {
  const answer = assistantMessages(page).first().locator("[data-code-block]");
  await answer.evaluate((element) =>
    element.closest("article")?.querySelector("[data-step-group], [data-tool-name]")?.scrollIntoView(),
  );
  await shoot(page, `${prefix}-tools`);
  await answer.evaluate((element) => element.scrollIntoView({ block: "center" }));
  await shoot(page, `${prefix}-answer`);
  await page.getByRole("button", { name: "Jump to latest" }).click();
  await shoot(page, `${prefix}-approval`);
}

for (const { name, viewport } of [
  { name: "desktop", viewport: { width: 1280, height: 800 } },
  { name: "mobile", viewport: { width: 390, height: 844 } },
]) {
  test(`${name} ${viewport.width}x${viewport.height}, light and dark`, async ({ page }) => {
    test.setTimeout(90_000);
    await page.setViewportSize(viewport);
    await chatWithEverything(page);
    await shootBoth(page, `${name}-light`);
    await switchToDarkTheme(page);
    await shootBoth(page, `${name}-dark`);
    // Nothing may widen or lengthen the page: the chat scrolls in its own pane, tables and code in their frames.
    const size = await page.evaluate(() => ({
      width: document.documentElement.scrollWidth,
      height: document.documentElement.scrollHeight,
    }));
    expect(size.width).toBeLessThanOrEqual(viewport.width);
    expect(size.height).toBeLessThanOrEqual(viewport.height);
  });
}
