import type { Page } from "@playwright/test";

/**
 * Dark mode as the app will show it. For now the page is told the system prefers dark and the `dark` class is
 * put on <html> by hand; to be replaced by the theme setting (default "system") once it lands.
 */
export async function switchToDarkTheme(page: Page) {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.evaluate(() => document.documentElement.classList.add("dark"));
}
