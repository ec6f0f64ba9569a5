import { expect, type Page, test } from "@playwright/test";
import { ask } from "./helpers";
import type { NextServer } from "./next-server";
import { SECRET_CANARIES } from "./secrets";

// What the specs of the app on an agent server (e2e/databricks-agent.spec.ts, e2e/agent-bricks.spec.ts) share:
// the questions the emulator's agents answer, the app's environment, and the checks every such spec makes.

/** ~5 s at a quarter time: two tools, then the answer. */
export const MULTI_STEP = "Analyze Q2 sales by region with the Genie space";
/** The same run four times as long (~20 s): about eight cuts of a 2.5 s stream. */
export const SLOW_MULTI_STEP = "Analyze Q2 sales by region with the Genie space, slowly";
/** ~6,000 words written over ~5.5 s. */
export const SLOW_REPORT = "Write a slow long report on our quarterly sales";
export const APPROVAL = "Search the web for lakehouse news";
/** The multi-step run's tools, in the order the agent calls them. */
export const TOOLS = ["query_sales_genie", "summarize_trends"];
export const STOPPED_NOTE = "Stopped here; the agent may still finish upstream.";

/**
 * The app's environment for one provider: every other provider's variables emptied (the machine's own must not
 * leak in), an in-memory database and the canary session secret, then `own`.
 */
export function agentAppEnv(own: Record<string, string>): Record<string, string> {
  return {
    DATABRICKS_HOST: "",
    DATABRICKS_TOKEN: "",
    DATABRICKS_CLIENT_ID: "",
    DATABRICKS_CLIENT_SECRET: "",
    DATABRICKS_AGENT_URL: "",
    DATABRICKS_AGENT_APP: "",
    AGENT_BRICKS_URL: "",
    AGENT_BRICKS_APP: "",
    OPENAI_API_KEY: "",
    PGLITE_DIR: "memory://",
    SESSION_SECRET: SECRET_CANARIES.SESSION_SECRET,
    ...own,
  };
}

/** A failed test gets the app server's recent output attached. */
export function attachServerOutputOnFailure(app: () => NextServer | undefined): void {
  test.afterEach(async () => {
    const testInfo = test.info();
    if (testInfo.status !== testInfo.expectedStatus)
      await testInfo.attach("next start output", {
        body: app()?.recentOutput() ?? "",
        contentType: "text/plain",
      });
  });
}

/** Ask `text` on a new chat of the app at `url`. */
export async function newChat(page: Page, url: string, text: string): Promise<void> {
  await page.goto(`${url}/`);
  await ask(page, text);
  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
}

/** None of `secrets` is in the server's output, the health report or the page. */
export async function expectNoSecretShown(
  page: Page,
  url: string,
  output: string,
  secrets: readonly string[],
): Promise<void> {
  await page.goto(`${url}/`);
  const health = await (await page.request.get(`${url}/api/health`)).text();
  const html = await page.content();
  for (const secret of [...secrets, SECRET_CANARIES.SESSION_SECRET]) {
    expect(output).not.toContain(secret);
    expect(health).not.toContain(secret);
    expect(html).not.toContain(secret);
  }
}
