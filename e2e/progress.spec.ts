import { expect, type Page, test } from "@playwright/test";
import { approvalCard, ask, assistantMessages, toolCard, waitForRunToEnd } from "./helpers";

const runStatus = (page: Page) => page.getByTestId("run-status");
/** The polite live region: phase changes and the run's end, never the ticking time. */
const announcer = (page: Page) => page.getByRole("main").getByRole("status");

/** The elapsed time the status line shows, in seconds ("1m 05s" → 65). */
async function elapsedSeconds(page: Page): Promise<number> {
  const text = (await page.getByTestId("run-elapsed").textContent()) ?? "";
  const match = /(?:(\d+)m )?(\d+)s/.exec(text);
  if (!match) throw new Error(`no elapsed time in "${text}"`);
  return Number(match[1] ?? 0) * 60 + Number(match[2]);
}

test("a long run shows its phase, a ticking time, its tool steps and the tab title; Esc stops it", async ({
  page,
}) => {
  await page.goto("/");
  const originalTitle = await page.title();
  // ~20 s at the tests' time scale: long enough to watch, stopped long before it ends.
  await ask(page, "Run a slow multi-step analysis of the sales data");

  await expect(runStatus(page)).toHaveAttribute("data-phase", "running");
  await expect(runStatus(page)).toContainText("Running");
  await expect(page).toHaveTitle(/^● Running \d+s · /);
  // The new chat got its URL as the run started: Next's route announcer must not read the run's title out.
  await expect(page.getByRole("alert").filter({ hasText: "●" })).toHaveCount(0);
  const first = await elapsedSeconds(page);
  await expect.poll(() => elapsedSeconds(page), { timeout: 5_000 }).toBeGreaterThan(first);

  await expect(page.getByTestId("run-steps")).toContainText(/2 steps, latest query_sales_genie/);
  await expect(page.getByTestId("run-steps")).toContainText(/4 steps, latest summarize_trends/, {
    timeout: 20_000,
  });

  // The live region said the phase once and does not tick with the clock.
  await expect(announcer(page)).toHaveText("Running");
  await expect(announcer(page)).not.toContainText(/\d+s/);

  // Esc stops the run with focus anywhere in the chat, here in the message box.
  await page.getByRole("textbox", { name: "Message" }).focus();
  await page.keyboard.press("Escape");
  await waitForRunToEnd(page);
  await expect(page.getByText("The run was stopped.")).toBeVisible();
  await expect(announcer(page)).toHaveText("Run stopped");
  await expect(runStatus(page)).toHaveCount(0);
  // The tab comes back from the run's title to the chat's own, named by its first message.
  expect(originalTitle).toBe("Background Agent Chat");
  await expect(page).toHaveTitle(/^Run a slow multi-step analysis.* · Background Agent Chat$/);
});

test("a finished run says so once, and the title comes back", async ({ page }) => {
  // Every phase the status line shows, with the tab title at that moment: "finishing" lasts under a second.
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { phasesSeen: string[] }).phasesSeen = seen;
    new MutationObserver(() => {
      const phase = document.querySelector('[data-testid="run-status"]')?.getAttribute("data-phase");
      const entry = `${phase ?? "none"} | ${document.title}`;
      if (seen.at(-1) !== entry) seen.push(entry);
    }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  });
  // On a chat's own page (a new chat's tab title waits for the router to catch up with its URL, which can take
  // longer than this whole run on a busy machine).
  await page.goto("/");
  await ask(page, "An instant hello, please");
  await waitForRunToEnd(page);
  await page.reload();
  const originalTitle = await page.title();
  // Slow reveal, and a run that is already over when it is created (the emulator's "instant" scenario): it is
  // finishing from its first status on, while the answer is revealed.
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByRole("dialog", { name: "Settings" }).getByRole("radio", { name: "Slow" }).check();
  await page.getByRole("button", { name: "Done" }).click();
  await ask(page, "An instant answer about regional revenue, please");
  await waitForRunToEnd(page);
  const seen = await page.evaluate(() => (window as unknown as { phasesSeen: string[] }).phasesSeen);
  expect(
    seen.some((entry) => /^finishing \| ● Finishing \d+s · /.test(entry)),
    seen.join("\n"),
  ).toBe(true);
  await expect(announcer(page)).toHaveText("Run finished");
  await expect(page).toHaveTitle(originalTitle);
});

test("a run waiting on an approval card says it waits for you", async ({ page }) => {
  await page.goto("/");
  await ask(page, "Search the web for lakehouse news");
  await expect(approvalCard(page, "search_web")).toBeVisible();
  await waitForRunToEnd(page);
  await expect(runStatus(page)).toHaveAttribute("data-phase", "approval");
  await expect(runStatus(page)).toContainText("Waiting for your approval");
  await expect(page).toHaveTitle(/^● Waiting for your approval · /);
  await expect(announcer(page)).toHaveText("Run paused: waiting for your approval");
});

test("Ctrl+Shift+O starts a new chat", async ({ page }) => {
  await page.goto("/");
  await ask(page, "A quick question about revenue");
  await waitForRunToEnd(page);
  await expect(page).toHaveURL(/\/chat\//);
  await expect(page.getByRole("link", { name: "New chat" })).toHaveAttribute(
    "aria-keyshortcuts",
    /Control\+Shift\+O/,
  );
  await page.keyboard.press("Control+Shift+O");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText("What should the agent work on?")).toBeVisible();
});

test("the progress bar slides, and stands still for people who ask for less motion", async ({ page }) => {
  const bar = page.locator(".run-progress-bar");
  const animation = () => bar.evaluate((element) => getComputedStyle(element).animationName);
  await page.goto("/");
  await ask(page, "A slow question about churn");
  await expect(bar).toBeVisible();
  expect(await animation()).toBe("run-progress-slide");
  await page.emulateMedia({ reducedMotion: "reduce" });
  await expect.poll(animation).toBe("none");
  await waitForRunToEnd(page);
  await expect(bar).toHaveCount(0);
});

/** The number in "checked N×" on the status line. */
async function checks(page: Page): Promise<number> {
  return Number(/checked (\d+)×/.exec((await page.getByTestId("run-polls").textContent()) ?? "")?.[1] ?? 0);
}

test("the step header and the status line count the same steps; a reload keeps counting checks and time", async ({
  page,
}) => {
  await page.goto("/");
  await ask(page, "Run a slow multi-step analysis of the sales data");
  const steps = page.getByTestId("run-steps");
  const header = assistantMessages(page).locator("[data-step-group] > summary");
  // Reasoning, then the Genie call: the header names both steps it counts, as the status line counts them.
  await expect(steps).toContainText("2 steps, latest query_sales_genie", { timeout: 15_000 });
  await expect(header).toHaveText("2 steps: reasoning, query_sales_genie");
  await expect.poll(() => checks(page)).toBeGreaterThanOrEqual(3);
  const checkedBefore = await checks(page);
  const elapsedBefore = await elapsedSeconds(page);

  await page.reload();
  // The stored run's figures go on: no "checked 1×", no time starting again from 0 s.
  await expect(page.getByTestId("run-polls")).toBeVisible();
  expect(await checks(page)).toBeGreaterThanOrEqual(checkedBefore);
  expect(await elapsedSeconds(page)).toBeGreaterThanOrEqual(elapsedBefore);
  // A card replayed after the reload keeps a duration.
  await expect(toolCard(page, "query_sales_genie").locator("summary")).toContainText(/· (~\d+ s|<1 s)/);

  await expect(steps).toContainText("4 steps, latest summarize_trends", { timeout: 20_000 });
  await expect(header).toHaveText("4 steps: reasoning ×2, query_sales_genie, summarize_trends");
  await page.getByRole("button", { name: "Stop" }).click();
  await waitForRunToEnd(page);
  // A stopped run reports no tokens: its usage line says nothing about them.
  const usage = assistantMessages(page).last().locator("[data-answer-usage]");
  await expect(usage).toContainText(/\d+\.\d s · 1 cycle · 2 tool calls$/);
  await expect(usage).not.toContainText("token");
});
