import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { approvalCard, ask, toolCard, waitForRunToEnd } from "./helpers";
import { switchToDarkTheme } from "./theme";

/** Axe on the whole page; fails on any serious or critical violation and says where, so it can be fixed. */
async function expectNoSeriousViolations(page: Page, state: string) {
  const { violations, passes } = await new AxeBuilder({ page }).analyze();
  // The lesser findings too, for whoever wants to polish further.
  await test.info().attach(`axe violations ${state}`, {
    body: JSON.stringify(violations, null, 2),
    contentType: "application/json",
  });
  if (violations.length > 0)
    console.log(`axe ${state}: ${violations.map((v) => `${v.id} (${v.impact})`).join(", ")}`);
  // A scan that checked nothing would pass too: make sure it looked at the page.
  expect(passes.length).toBeGreaterThan(20);
  const serious = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const report = serious
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes
          .map((node) => `  ${node.target.join(" ")}\n    ${node.failureSummary?.replace(/\n/g, "\n    ")}`)
          .join("\n"),
    )
    .join("\n");
  expect(serious, `axe found serious violations ${state}:\n${report}`).toEqual([]);
}

for (const { name, viewport, dark } of [
  { name: "desktop, light", viewport: { width: 1280, height: 800 }, dark: false },
  { name: "desktop, dark", viewport: { width: 1280, height: 800 }, dark: true },
  { name: "390 px, light", viewport: { width: 390, height: 844 }, dark: false },
  { name: "390 px, dark", viewport: { width: 390, height: 844 }, dark: true },
]) {
  test.describe(name, () => {
    test.use({ viewport });

    const open = async (page: Page, path = "/") => {
      await page.goto(path);
      if (dark) await switchToDarkTheme(page);
    };

    test("idle: a new chat, then a finished answer with tools, a table and code", async ({ page }) => {
      await open(page);
      await expect(page.getByRole("heading", { name: "What should the agent work on?" })).toBeVisible();
      await expectNoSeriousViolations(page, "on a new chat");

      await ask(page, "Analyze Q2 sales by region with the Genie space");
      await waitForRunToEnd(page);
      await toolCard(page, "query_sales_genie").locator("summary").click();
      await expectNoSeriousViolations(page, "after a finished multi-step answer");
    });

    test("mid-run: a long run in progress", async ({ page }) => {
      await open(page);
      await ask(page, "Run a slow multi-step analysis of the sales data");
      await expect(toolCard(page, "query_sales_genie")).toHaveCount(1);
      await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();
      await expectNoSeriousViolations(page, "while a run is in progress");
    });

    test("an approval card waiting for a decision", async ({ page }) => {
      await open(page);
      await ask(page, "Search the web for lakehouse news");
      await expect(approvalCard(page, "search_web").getByRole("button", { name: "Approve" })).toBeEnabled();
      await expectNoSeriousViolations(page, "with an approval card showing");
    });
  });
}
