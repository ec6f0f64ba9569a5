import { expect, type Page } from "@playwright/test";

/**
 * Dark mode as a person gets it with the default theme setting ("system"): the system prefers dark, and the
 * app itself puts the `dark` class on <html> (checked, never set by the test).
 */
export async function switchToDarkTheme(page: Page) {
  await page.emulateMedia({ colorScheme: "dark" });
  await expect(page.locator("html")).toHaveClass(/(^|\s)dark(\s|$)/);
}
