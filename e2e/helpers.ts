import { expect, type Page } from "@playwright/test";

export async function ask(page: Page, text: string) {
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill(text);
  await box.press("Enter");
}

/** The run is over when the composer offers Send again instead of Stop. */
export async function waitForRunToEnd(page: Page) {
  await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0, { timeout: 45_000 });
  await expect(page.getByRole("button", { name: "Send" })).toBeVisible();
}

export const assistantMessages = (page: Page) => page.locator('[data-role="assistant"]');

export const approvalCard = (page: Page, toolName: string) =>
  page.locator(`[data-approval-card="${toolName}"]`);

export const toolCard = (page: Page, toolName: string) => page.locator(`[data-tool-name="${toolName}"]`);
