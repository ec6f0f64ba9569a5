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

/** The same scan in the light theme and in the dark one (the system's preference, as the default setting follows). */
async function expectNoSeriousViolationsInBothThemes(page: Page, state: string) {
  await page.emulateMedia({ colorScheme: "light" });
  await expect(page.locator("html")).not.toHaveClass(/(^|\s)dark(\s|$)/);
  await expectNoSeriousViolations(page, `${state} (light)`);
  await switchToDarkTheme(page);
  await expectNoSeriousViolations(page, `${state} (dark)`);
  await page.emulateMedia({ colorScheme: "light" });
}

const PHONE = { width: 390, height: 844 };

/**
 * Each state is scanned on a desktop and, resized in place, at 390 px, in both themes: the chat gets to the
 * state once (a run takes seconds), and each layout is looked at.
 */
async function expectNoSeriousViolationsAtBothSizes(page: Page, state: string) {
  await expectNoSeriousViolationsInBothThemes(page, `${state}, desktop`);
  await page.setViewportSize(PHONE);
  await expectNoSeriousViolationsInBothThemes(page, `${state}, 390 px`);
  await page.setViewportSize({ width: 1280, height: 800 });
}

test.use({ viewport: { width: 1280, height: 800 } });

test("idle: a new chat, then a finished answer with tools, a table and code", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "What should the agent work on?" })).toBeVisible();
  await expectNoSeriousViolationsAtBothSizes(page, "on a new chat");

  await ask(page, "Analyze Q2 sales by region with the Genie space");
  await waitForRunToEnd(page);
  await toolCard(page, "query_sales_genie").locator("summary").click();
  await expectNoSeriousViolationsAtBothSizes(page, "after a finished multi-step answer");
});

test("mid-run: a long run in progress", async ({ page }) => {
  await page.goto("/");
  await ask(page, "Run a slow multi-step analysis of the sales data");
  await expect(toolCard(page, "query_sales_genie")).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Stop" })).toBeVisible();
  await expectNoSeriousViolationsAtBothSizes(page, "while a run is in progress");
});

test("an approval card waiting for a decision", async ({ page }) => {
  await page.goto("/");
  await ask(page, "Search the web for lakehouse news");
  await expect(approvalCard(page, "search_web").getByRole("button", { name: "Approve" })).toBeEnabled();
  await expectNoSeriousViolationsAtBothSizes(page, "with an approval card showing");
});
