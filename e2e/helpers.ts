import { expect, type Page } from "@playwright/test";
import type { EmulatorServer } from "../emulator/server";

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

/**
 * Every text the chat's status line shows from now on (until the page is left), in order: a state that lasts
 * less than a look of `expect`'s (Queued for half a second) is still seen.
 */
export async function recordStatusLine(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __statusLine: string[] }).__statusLine = seen;
    const main = document.querySelector("main") as HTMLElement;
    const read = () => {
      for (const status of main.querySelectorAll('[role="status"]')) {
        const text = status.textContent ?? "";
        if (text && seen.at(-1) !== text) seen.push(text);
      }
    };
    new MutationObserver(read).observe(main, { childList: true, subtree: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { __statusLine: string[] }).__statusLine);
}

export const assistantMessages = (page: Page) => page.locator('[data-role="assistant"]');

export const approvalCard = (page: Page, toolName: string) =>
  page.locator(`[data-approval-card="${toolName}"]`);

export const toolCard = (page: Page, toolName: string) => page.locator(`[data-tool-name="${toolName}"]`);

/**
 * The answer's own text in the last assistant message: its last markdown block, without tool cards, approval
 * cards, notes or reasoning.
 */
export const lastAnswer = (page: Page) => assistantMessages(page).last().locator(":scope > .markdown").last();

/** One look at the last answer's text, taken by the page at a change of it. */
export interface AnswerSample {
  /** Characters of the last answer's text. */
  length: number;
  /** The run was still going (the composer offered Stop). */
  running: boolean;
  /** The upstream run's status, asked in the test process as the page reported the change. */
  upstream: string | undefined;
}

/**
 * Records the length of the last answer's text each time the page changes it: a MutationObserver in the page
 * sees every render, however busy the machine, so a text that grows while it is written shows as several
 * samples. Call before the page loads the app; `upstreamStatus` is asked at each sample (the test's view of the
 * run upstream). `samples.length = 0` starts afresh.
 */
export async function watchAnswerLength(
  page: Page,
  upstreamStatus: () => string | undefined = () => undefined,
): Promise<AnswerSample[]> {
  const samples: AnswerSample[] = [];
  await page.exposeFunction("__e2eAnswerLength", (length: number, running: boolean) => {
    samples.push({ length, running, upstream: upstreamStatus() });
  });
  await page.addInitScript(() => {
    let last = -1;
    const look = () => {
      const message = [...document.querySelectorAll('[data-role="assistant"]')].at(-1);
      const blocks = message ? message.querySelectorAll(":scope > .markdown") : [];
      const length = [...blocks].at(-1)?.textContent?.length ?? 0;
      if (length === last) return;
      last = length;
      const running = [...document.querySelectorAll("button")].some((b) => b.textContent?.trim() === "Stop");
      (window as unknown as { __e2eAnswerLength(l: number, r: boolean): void }).__e2eAnswerLength(
        length,
        running,
      );
    };
    new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true });
  });
  return samples;
}

/**
 * The lengths of the answer seen while the run was going in the app and upstream, when each was longer than the
 * one before: a text written before the reader's eyes gives several.
 */
export function growthWhileWritten(samples: AnswerSample[]): number[] {
  const growing: number[] = [];
  for (const { length, running, upstream } of samples) {
    if (!running || upstream !== "in_progress" || length === 0) continue;
    if (length > (growing.at(-1) ?? 0)) growing.push(length);
  }
  return growing;
}

/**
 * The paragraphs and list items a person reads in an answer written as `markdown` (what react-markdown renders
 * as `p` and `li`, without their markup): tables, code blocks and headings are left out.
 */
export function readableLines(markdown: string): string[] {
  const lines: string[] = [];
  let inCode = false;
  for (const raw of markdown.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("```")) {
      inCode = !inCode;
      continue;
    }
    if (inCode || line === "" || line.startsWith("|") || line.startsWith("#")) continue;
    lines.push(
      line
        .replace(/^[-*] /, "")
        .replace(/\*\*|`/g, "")
        .replace(/\*([^*]+)\*/g, "$1"),
    );
  }
  return lines;
}

/** A request as the emulator saw it, with its query and its JSON body (the server's own record keeps neither). */
export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body?: unknown;
  /** The Agent Bricks session header, when sent. */
  session?: string;
}

/**
 * Every request `server` answers from now on, with its query string (a resumed stream is told by its
 * `starting_after` or `after`) and JSON body. It wraps the emulator's handler, which the server looks up for
 * each request; a test should check this saw as many requests as `onRequest` did.
 */
export function recordFullRequests(server: EmulatorServer): SeenRequest[] {
  const seen: SeenRequest[] = [];
  const handle = server.emulator.handle;
  server.emulator.handle = async (request) => {
    const url = new URL(request.url);
    const json = request.headers.get("content-type")?.includes("application/json");
    const body = json
      ? await request
          .clone()
          .json()
          .catch(() => undefined)
      : undefined;
    const session = request.headers.get("x-databricks-session-id") ?? undefined;
    seen.push({ method: request.method, path: url.pathname, query: url.searchParams, body, session });
    return handle(request);
  };
  return seen;
}

/** The text of the last message the upstream's newest run finished (its markdown). */
export function upstreamAnswer(server: EmulatorServer): string {
  const output = server.emulator.inspect().at(-1)?.response.output ?? [];
  const message = output.filter((item) => item.type === "message").at(-1) as
    | { content?: Array<{ text?: string }> }
    | undefined;
  return message?.content?.map((part) => part.text ?? "").join("") ?? "";
}

/** The status of the upstream's newest run, as the upstream sees it now. */
export const upstreamStatus = (server: EmulatorServer) => () =>
  server.emulator.inspect().at(-1)?.response.status;

/** The tool cards of the last message are `names`, each once and in that order, and its answer comes after them. */
export async function expectToolsOnceInOrder(page: Page, names: string[]): Promise<void> {
  const message = assistantMessages(page).last();
  for (const name of names) await expect(toolCard(page, name)).toHaveCount(1);
  expect(
    await message.locator("[data-tool-name]").evaluateAll((cards) => cards.map((c) => c.dataset.toolName)),
  ).toEqual(names);
  const answerFollows = await message.evaluate((article) => {
    const cards = article.querySelectorAll("[data-tool-name]");
    const answer = [...article.querySelectorAll(":scope > .markdown")].at(-1);
    const last = cards[cards.length - 1];
    return !!answer && !!last && !!(last.compareDocumentPosition(answer) & Node.DOCUMENT_POSITION_FOLLOWING);
  });
  expect(answerFollows, "the answer comes after the tool cards").toBe(true);
}

/**
 * What the last answer shows, paragraph by paragraph, is the message the upstream's newest run finished:
 * nothing twice, nothing lost, in order.
 */
export async function expectAnswerIsUpstreams(page: Page, server: EmulatorServer): Promise<void> {
  const expected = readableLines(upstreamAnswer(server));
  expect(expected.length).toBeGreaterThan(3);
  expect(await lastAnswer(page).locator("p, li").allTextContents()).toEqual(expected);
}
