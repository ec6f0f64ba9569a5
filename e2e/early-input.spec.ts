import { expect, type Page, test } from "@playwright/test";
import { assistantMessages, waitForRunToEnd } from "./helpers";

// A slow network: the page's scripts arrive 2.5 s after its HTML. What a person types and sends meanwhile must
// not be lost, nor sent twice.

const NOTE = "Your message will be sent as soon as the page has loaded.";

async function slowScripts(page: Page) {
  let held = 0;
  await page.route("**/_next/static/**/*.js", async (route) => {
    held += 1;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await route.continue();
  });
  return () => held;
}

test("a question sent before the page's scripts have loaded is kept, said to be waiting, then sent once", async ({
  page,
}) => {
  const held = await slowScripts(page);
  await page.goto("/", { waitUntil: "domcontentloaded" });
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("Hello there, early bird");
  await box.press("Enter");
  // Still before the scripts: no newline added, and the page says what will happen.
  await expect(page.getByRole("status").filter({ hasText: NOTE })).toBeVisible();
  expect(await box.inputValue()).toBe("Hello there, early bird");
  expect(held()).toBeGreaterThan(0);

  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/, { timeout: 20_000 });
  await waitForRunToEnd(page);
  await expect(page.getByText(NOTE)).toBeHidden();
  await expect(page.getByText('You asked: "Hello there, early bird"')).toHaveCount(1);
  await expect(assistantMessages(page)).toHaveCount(1);
  await expect(box).toHaveValue("");
  await page.reload();
  await expect(page.getByText('You asked: "Hello there, early bird"')).toHaveCount(1);
});

test("text typed before the scripts have loaded, not yet sent, stays in the box", async ({ page }) => {
  await slowScripts(page);
  await page.goto("/", { waitUntil: "domcontentloaded" });
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("A draft I am still writing");
  await page.waitForLoadState("load");
  // Hydrated: the Send button reacts to the text it finds.
  await expect(page.getByRole("button", { name: "Send" })).toBeEnabled({ timeout: 20_000 });
  await expect(box).toHaveValue("A draft I am still writing");
  await expect(page.getByText(NOTE)).toBeHidden();
  await expect(assistantMessages(page)).toHaveCount(0);
});
