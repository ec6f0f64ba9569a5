import { expect, type Page, test } from "@playwright/test";
import { approvalCard, ask, waitForRunToEnd } from "./helpers";

const composer = (page: Page) => page.getByRole("textbox", { name: "Message" });

test("a new chat, and one opened with Ctrl+Shift+O, take typing at once", async ({ page }) => {
  await page.goto("/");
  await expect(composer(page)).toBeFocused();
  await page.keyboard.type("What is 2 + 2?");
  await page.keyboard.press("Enter");
  await waitForRunToEnd(page);
  await expect(page).toHaveURL(/\/chat\//);

  await page.keyboard.press("Control+Shift+O");
  await expect(page).toHaveURL(/\/$/);
  await expect(composer(page)).toBeFocused();
  await expect(composer(page)).toHaveValue("");
});

test.describe("on a touch screen", () => {
  test.use({ hasTouch: true });

  test("the message box waits for a tap, and the first Tab offers a way straight to it", async ({ page }) => {
    await page.goto("/");
    await expect(page.getByRole("heading", { name: "What should the agent work on?" })).toBeVisible();
    // No on-screen keyboard popping up over a chat the person only wanted to read.
    await expect(composer(page)).not.toBeFocused();

    await page.keyboard.press("Tab");
    const skip = page.getByRole("link", { name: "Skip to the message box" });
    await expect(skip).toBeFocused();
    await expect(skip).toBeVisible();
    await page.keyboard.press("Enter");
    await expect(composer(page)).toBeFocused();
  });
});

test("after Approve or Deny the keyboard goes to the next waiting card, then to the message box", async ({
  page,
}) => {
  await page.goto("/");
  await ask(page, "Create a ticket and email the team about the outage");
  const ticket = approvalCard(page, "create_ticket");
  const email = approvalCard(page, "send_email");
  await expect(email).toBeVisible();
  await waitForRunToEnd(page);

  await ticket.getByRole("button", { name: "Approve" }).focus();
  await page.keyboard.press("Enter");
  await expect(email.getByRole("button", { name: "Approve" })).toBeFocused();

  await page.keyboard.press("Tab"); // to Deny
  await expect(email.getByRole("button", { name: "Deny" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(composer(page)).toBeFocused();
  await waitForRunToEnd(page);
  await expect(email).toContainText("the tool did not run");
});
