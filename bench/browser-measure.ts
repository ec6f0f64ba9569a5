// The browser bench's measurements in the system Chromium (never a downloaded browser): long tasks while a
// 6,000-word answer is revealed, and the time to show a 200-message chat with tool cards.

import { type Browser, type BrowserContext, chromium, type Page } from "@playwright/test";
import { expectMessagesScript, PROBE_SCRIPT, type ProbeData, READ_PROBE } from "./browser-probe";

export const LONG_ANSWER_QUESTION = "Write a long report on our quarterly sales.";
/** After the last new words, how long the page must stay quiet before the reveal counts as over. */
const SETTLE_MS = 1_000;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
}

export async function newProbedPage(context: BrowserContext, expectMessages?: number): Promise<Page> {
  const page = await context.newPage();
  if (expectMessages) await page.addInitScript(expectMessagesScript(expectMessages));
  await page.addInitScript(PROBE_SCRIPT);
  return page;
}

export const readProbe = (page: Page) => page.evaluate(READ_PROBE) as Promise<ProbeData>;

export interface LongTaskSummary {
  count: number;
  maxMs: number;
  totalMs: number;
}

/** Long tasks that overlap [from, to] (page time). */
export function longTasksBetween(probe: ProbeData, from: number, to: number): LongTaskSummary {
  const tasks = probe.longTasks.filter((t) => t.start + t.duration >= from && t.start <= to);
  return {
    count: tasks.length,
    maxMs: Math.max(0, ...tasks.map((t) => t.duration)),
    totalMs: tasks.reduce((sum, t) => sum + t.duration, 0),
  };
}

export interface RevealRun extends LongTaskSummary {
  /** First words on screen → last words on screen (commit times of the DOM mutations). */
  revealMs: number;
  /** Words in the answer as shown. */
  words: number;
  /** DOM commits that changed the answer. */
  commits: number;
}

/** One question that the emulator answers with ~6,000 words, in a fresh chat; long tasks from first words to idle. */
export async function measureLongAnswer(browser: Browser, baseUrl: string): Promise<RevealRun> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  try {
    const page = await newProbedPage(context);
    await page.goto("/");
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill(LONG_ANSWER_QUESTION);
    await box.press("Enter");
    // The run is over when Send is back (a baseline-paced reveal of 6,000 words takes over a minute).
    await page.getByRole("button", { name: "Stop" }).waitFor({ state: "detached", timeout: 300_000 });
    await page.getByRole("button", { name: "Send" }).waitFor({ timeout: 10_000 });
    await page.waitForTimeout(SETTLE_MS);
    const probe = await readProbe(page);
    if (probe.firstTextAt === null) throw new Error("The answer never appeared.");
    const mutations = probe.textMutations.filter((t) => t >= (probe.firstTextAt as number));
    const last = mutations.at(-1) as number;
    const text = (await page.locator('[data-role="assistant"]').last().textContent()) ?? "";
    return {
      ...longTasksBetween(probe, probe.firstTextAt, last + SETTLE_MS),
      revealMs: last - probe.firstTextAt,
      words: text.split(/\s+/).filter(Boolean).length,
      commits: mutations.length,
    };
  } finally {
    await context.close();
  }
}

export interface LoadRun extends LongTaskSummary {
  /** Navigation start → the first byte of the page (the server rendering 200 messages). */
  firstByteMs: number;
  /** Navigation start → the first frame with every message in the DOM. */
  allMessagesMs: number;
  /** Navigation start → the first frame with the last message on screen (the chat scrolled to its end). */
  lastInViewMs: number;
  /** Main-thread time in scripts, and in style and layout, during the load (CDP Performance metrics). */
  scriptMs: number;
  styleLayoutMs: number;
  /** Navigation start → the composer took the keyboard over (React has hydrated the chat). */
  readyMs: number;
  /** The HTML document (decoded), and the part of it that is the RSC (flight) payload in inline scripts. */
  htmlBytes: number;
  flightBytes: number;
}

/** The document's size and its inline `self.__next_f.push(…)` scripts' (the RSC payload Next hydrates from). */
export const DOCUMENT_BYTES = `(() => {
  const bytes = (text) => new Blob([text]).size;
  const flight = [...document.scripts].filter((s) => !s.src && s.text.startsWith("self.__next_f.push"));
  return {
    htmlBytes: performance.getEntriesByType("navigation")[0].decodedBodySize,
    flightBytes: flight.reduce((total, s) => total + bytes(s.outerHTML), 0),
  };
})()`;

/**
 * Open the chat `path` (whose `messages` messages belong to the session `cookie`) `loads` times in one tab: the
 * first navigation, then reloads. Long tasks from navigation start until the last message is on screen and every
 * message is in the DOM (a page may add earlier ones after showing the end), plus a quiet second.
 */
export async function measureChatLoads(
  browser: Browser,
  baseUrl: string,
  path: string,
  cookie: { name: string; value: string },
  messages: number,
  loads: number,
): Promise<LoadRun[]> {
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 800 } });
  try {
    await context.addCookies([{ ...cookie, url: baseUrl }]);
    const page = await newProbedPage(context, messages);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const runs: LoadRun[] = [];
    for (let i = 0; i < loads; i++) {
      if (i === 0) await page.goto(path);
      else await page.reload();
      // Every message in the DOM, the last one on screen and the composer ready, whichever comes last.
      const loaded = ["lastInViewAt", "allMessagesAt", "readyAt"].map(
        (key) => `${READ_PROBE}.${key} !== null`,
      );
      await page.waitForFunction(loaded.join(" && "), undefined, { timeout: 60_000 });
      await page.waitForTimeout(SETTLE_MS);
      const probe = await readProbe(page);
      const lastInView = probe.lastInViewAt as number;
      // Per document: the counters start again with each navigation.
      const { metrics } = await cdp.send("Performance.getMetrics");
      const metric = (name: string) => 1000 * (metrics.find((m) => m.name === name)?.value ?? Number.NaN);
      const firstByte = (await page.evaluate(
        "performance.getEntriesByType('navigation')[0].responseStart",
      )) as number;
      const bytes = (await page.evaluate(DOCUMENT_BYTES)) as { htmlBytes: number; flightBytes: number };
      runs.push({
        ...longTasksBetween(probe, 0, Math.max(lastInView, probe.allMessagesAt as number) + SETTLE_MS),
        ...bytes,
        readyMs: probe.readyAt ?? Number.NaN,
        firstByteMs: firstByte,
        scriptMs: metric("ScriptDuration"),
        styleLayoutMs: metric("RecalcStyleDuration") + metric("LayoutDuration"),
        allMessagesMs: probe.allMessagesAt as number,
        lastInViewMs: lastInView,
      });
    }
    return runs;
  } finally {
    await context.close();
  }
}
