import { expect, type Page, test } from "@playwright/test";
import { ask, assistantMessages, toolCard, waitForRunToEnd } from "./helpers";
import { BUDGET_PORT } from "./ports";

const settingsDialog = (page: Page) => page.getByRole("dialog", { name: "Settings" });

async function openSettings(page: Page) {
  await page.getByRole("button", { name: "Settings" }).click();
  await expect(settingsDialog(page)).toBeVisible();
  return settingsDialog(page);
}

/** Console errors and warnings about hydration, collected from the page's first script on. */
function hydrationWarnings(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (message) => {
    if ((message.type() === "error" || message.type() === "warning") && /hydrat/i.test(message.text())) {
      seen.push(message.text());
    }
  });
  page.on("pageerror", (error) => {
    if (/hydrat/i.test(error.message)) seen.push(error.message);
  });
  return seen;
}

const isDark = (page: Page) => page.evaluate(() => document.documentElement.classList.contains("dark"));

test("settings persist across a reload, dark applies before the first paint, and nothing warns about hydration", async ({
  page,
}) => {
  const warnings = hydrationWarnings(page);
  // Records the theme class as it first changes, and whether the body had been parsed by then (a flash).
  await page.addInitScript(() => {
    const record = window as unknown as { firstTheme?: { dark: boolean; bodyParsed: boolean } };
    new MutationObserver((_, observer) => {
      const root = document.documentElement;
      record.firstTheme = { dark: root.classList.contains("dark"), bodyParsed: document.body !== null };
      observer.disconnect();
    }).observe(document, { attributes: true, attributeFilter: ["class"], subtree: true });
  });
  await page.goto("/");
  const dialog = await openSettings(page);
  await dialog.getByRole("radio", { name: "Dark" }).check();
  await dialog.getByLabel("Check on a running task every").selectOption({ label: "10 seconds" });
  await dialog.getByRole("radio", { name: "Instant" }).check();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  expect(await isDark(page)).toBe(true);

  await page.reload();
  expect(await isDark(page)).toBe(true);
  const firstTheme = await page.evaluate(
    () => (window as unknown as { firstTheme?: { dark: boolean; bodyParsed: boolean } }).firstTheme,
  );
  expect(firstTheme).toEqual({ dark: true, bodyParsed: false });

  const reopened = await openSettings(page);
  await expect(reopened.getByRole("radio", { name: "Dark" })).toBeChecked();
  await expect(reopened.getByLabel("Check on a running task every")).toHaveValue("10000");
  await expect(reopened.getByRole("radio", { name: "Instant" })).toBeChecked();
  await page.keyboard.press("Escape");
  await expect(reopened).toBeHidden();

  await reopened.page().getByRole("button", { name: "Settings" }).click();
  await settingsDialog(page).getByRole("radio", { name: "Light" }).check();
  expect(await isDark(page)).toBe(false);
  expect(warnings).toEqual([]);
});

test("the system theme follows the operating system as it changes", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  expect(await isDark(page)).toBe(true);
  await page.emulateMedia({ colorScheme: "light" });
  await expect.poll(() => isDark(page)).toBe(false);
});

test("the chosen poll interval reaches the server: a 30 s choice checks the run far less often", async ({
  page,
}) => {
  const bodies: unknown[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && new URL(request.url()).pathname === "/api/chat") {
      bodies.push(request.postDataJSON());
    }
  });
  await page.goto("/");
  const dialog = await openSettings(page);
  await dialog.getByLabel("Check on a running task every").selectOption({ label: "30 seconds" });
  await dialog.getByRole("button", { name: "Done" }).click();

  await ask(page, "Run a slow multi-step analysis of the sales data");
  await expect.poll(() => bodies.length).toBe(1);
  expect(bodies[0]).toMatchObject({ pollIntervalMs: 30_000 });
  // At the tests' server interval (250 ms) a run is checked ~30 times in its first 8 s; at 30 s, a look or two
  // while it may be a short task, then none until 30 s (it is busy with tools).
  await expect(page.getByTestId("run-elapsed")).toHaveText(/· elapsed (9|1\d)s/, { timeout: 20_000 });
  const checked = Number(
    /checked (\d+)×/.exec((await page.getByTestId("run-status").textContent()) ?? "")?.[1],
  );
  expect(checked).toBeGreaterThanOrEqual(1);
  expect(checked).toBeLessThanOrEqual(6);
  await page.getByRole("button", { name: "Stop" }).click();
  await waitForRunToEnd(page);
});

test("a run that ends while the tab is hidden shows a notification, once the person turned them on", async ({
  page,
}) => {
  await page.addInitScript(() => {
    const shown: string[] = [];
    (window as unknown as { shownNotifications: string[] }).shownNotifications = shown;
    class FakeNotification {
      static permission = "default";
      static requestPermission = async () => {
        FakeNotification.permission = "granted";
        return "granted";
      };
      onclick: (() => void) | null = null;
      constructor(title: string) {
        shown.push(title);
      }
      close() {}
    }
    Object.defineProperty(window, "Notification", { value: FakeNotification });
    Object.defineProperty(document, "hidden", { get: () => true });
  });
  await page.goto("/");
  const shown = () =>
    page.evaluate(() => (window as unknown as { shownNotifications: string[] }).shownNotifications);

  await ask(page, "A first question about churn");
  await waitForRunToEnd(page);
  expect(await shown()).toEqual([]); // not turned on: nothing

  const dialog = await openSettings(page);
  await dialog.getByRole("checkbox", { name: /Notify me when a run finishes/ }).check();
  await expect(dialog.getByRole("checkbox", { name: /Notify me when a run finishes/ })).toBeChecked();
  await dialog.getByRole("button", { name: "Done" }).click();

  await ask(page, "A second question about churn");
  await waitForRunToEnd(page);
  await expect.poll(shown).toEqual(["Run finished"]);
});

test("a run handed over to reconnects keeps the chosen settings (query parameters) and ends complete", async ({
  page,
}) => {
  const reconnects: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "GET" && /\/api\/chat\/[^/]+\/stream/.test(request.url())) {
      reconnects.push(new URL(request.url()).search);
    }
  });
  // The server whose streams hand over every 2 s: a multi-step run (~5 s here) is continued by reconnects.
  await page.goto(`http://127.0.0.1:${BUDGET_PORT}/`);
  const dialog = await openSettings(page);
  await dialog.getByLabel("Check on a running task every").selectOption({ label: "2 seconds" });
  await dialog.getByRole("radio", { name: "Slow" }).check();
  await dialog.getByRole("button", { name: "Done" }).click();
  await ask(page, "Run a multi-step analysis of the sales data");
  await waitForRunToEnd(page);
  expect(reconnects.length).toBeGreaterThan(0);
  for (const search of reconnects) expect(search).toBe("?pollIntervalMs=2000&revealSpeed=slow");
  await expect(toolCard(page, "summarize_trends")).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(page.getByText("Here is what the sales data shows")).toHaveCount(1);
  await expect(page.getByRole("main").getByRole("alert")).toHaveCount(0);
});
