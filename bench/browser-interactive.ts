// How soon a new chat ("/") answers the keyboard: navigation start → the composer's first effect (the probe's
// `readyAt`, see browser-probe.ts), and the JavaScript the page loads to get there.

import type { Browser } from "@playwright/test";
import { newProbedPage, readProbe } from "./browser-measure";
import { READ_PROBE } from "./browser-probe";

export interface InteractiveRun {
  /** Navigation start → the composer hydrated (typed keys reach React from here on). */
  readyMs: number;
  /** Scripts the page loaded by then: how many, their bytes as decoded and as sent (compressed). */
  scripts: number;
  scriptBytes: number;
  scriptTransferBytes: number;
}

const SCRIPTS_LOADED = `performance.getEntriesByType("resource")
  .filter((e) => e.initiatorType === "script" || /\\.js(\\?|$)/.test(e.name))
  .map((e) => ({ decoded: e.decodedBodySize, transferred: e.transferSize, start: e.startTime }))`;

/** Open "/" in a fresh context (an empty cache: a first visit). */
export async function measureNewChat(browser: Browser, baseUrl: string): Promise<InteractiveRun> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  try {
    const page = await newProbedPage(context);
    await page.goto("/");
    await page.waitForFunction(`${READ_PROBE}.readyAt !== null`, undefined, { timeout: 60_000 });
    const { readyAt } = await readProbe(page);
    const ready = readyAt as number;
    // Only what was asked for before the page was ready: the scripts it needed for that.
    const scripts = (
      (await page.evaluate(SCRIPTS_LOADED)) as Array<{ decoded: number; transferred: number; start: number }>
    ).filter((s) => s.start <= ready);
    return {
      readyMs: ready,
      scripts: scripts.length,
      scriptBytes: scripts.reduce((total, s) => total + s.decoded, 0),
      scriptTransferBytes: scripts.reduce((total, s) => total + s.transferred, 0),
    };
  } finally {
    await context.close();
  }
}
