import { expect, type Page, test } from "@playwright/test";
import { ask, assistantMessages, waitForRunToEnd } from "./helpers";

// Model output is untrusted. The emulator's `hostile` scenario (emulator/hostile.ts) answers with script tags,
// event handlers, javascript:/data: links, huge tokens and deep nesting, in messages, tool cards, an MCP call,
// citations and an approval card. Every payload that could run bumps `window.__pwned` or requests `/pwned`.
const PWN = "window.__pwned=(window.__pwned||0)+1";
// The question becomes the chat's title in the sidebar and is echoed raw by the agent.
const QUESTION = `hostile <img src=x onerror=${PWN}> <script>fetch('/pwned')</script> [click me](javascript:${PWN})`;

/** Texts of corpus links whose target was javascript:, data: or vbscript: (they must render inert). */
const PAYLOAD_LINK_TEXTS = [
  "click me",
  "javascript link",
  "mixed-case link",
  "decimal entity link",
  "hex entity link",
  "named entity link",
  "tab link",
  "spaced link",
  "vbscript link",
  "data link",
  "plain data link",
  "full reference",
  "collapsed reference",
  "shortcut reference",
  "raw anchor",
];

const FORBIDDEN =
  "script, iframe, frame, object, embed, style, link, meta, base, img, svg, math, video, audio, source, " +
  "form, noscript, xmp, plaintext, template, [style*='position']";

interface Inspection {
  pwned: unknown;
  /** Elements anywhere on the page with an on* attribute, as `tag[attr]`. */
  handlers: string[];
  /** Forbidden elements inside the messages, as tag names. */
  forbidden: string[];
  /** Chat links that are not http(s)/mailto (resolved against the page), or open without noopener/noreferrer. */
  badHrefs: string[];
  badRels: string[];
  linkCount: number;
  /** Widths that overflow horizontally: the page, the chat's scroller, each message. */
  overflow: string[];
  bodyHidden: boolean;
}

function inspect(page: Page): Promise<Inspection> {
  return page.evaluate((forbiddenSelector) => {
    const main = document.querySelector("main");
    if (!main) throw new Error("no <main>");
    const handlers: string[] = [];
    for (const el of document.querySelectorAll("*")) {
      for (const attr of el.getAttributeNames())
        if (attr.toLowerCase().startsWith("on")) handlers.push(`${el.tagName.toLowerCase()}[${attr}]`);
    }
    const forbidden = [...main.querySelectorAll("[data-role]")].flatMap((message) =>
      [...message.querySelectorAll(forbiddenSelector)]
        // The app's own icons (Copy), never anything from model output.
        .filter((el) => !el.matches("svg[data-ui-icon]"))
        .map((el) => el.outerHTML.slice(0, 160)),
    );
    const links = [...main.querySelectorAll<HTMLAnchorElement>("[data-role] a")];
    const badHrefs = links
      .filter((a) => !["http:", "https:", "mailto:"].includes(new URL(a.href, location.href).protocol))
      .map((a) => a.getAttribute("href") ?? "");
    const badRels = links
      .filter((a) => {
        const rel = (a.getAttribute("rel") ?? "").split(/\s+/);
        return !rel.includes("noopener") || !rel.includes("noreferrer");
      })
      .map((a) => a.outerHTML.slice(0, 120));
    const overflow: string[] = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) overflow.push(`page ${root.scrollWidth} > ${root.clientWidth}`);
    const messages = [...main.querySelectorAll<HTMLElement>("[data-role]")];
    // The chat's own scroller scrolls sideways too when a message is too wide (code blocks and tables may scroll
    // inside their own box: that is where they are meant to).
    let scroller = messages[0]?.parentElement;
    while (scroller && !["auto", "scroll"].includes(getComputedStyle(scroller).overflowY))
      scroller = scroller.parentElement;
    if (scroller && scroller.scrollWidth > scroller.clientWidth)
      overflow.push(`chat scroller ${scroller.scrollWidth} > ${scroller.clientWidth}`);
    for (const el of messages) {
      if (el.scrollWidth > el.clientWidth + 1)
        overflow.push(`${el.dataset.role} message ${el.scrollWidth} > ${el.clientWidth}`);
    }
    return {
      pwned: (window as unknown as { __pwned?: unknown }).__pwned,
      handlers,
      forbidden,
      badHrefs,
      badRels,
      linkCount: links.length,
      overflow,
      bodyHidden: getComputedStyle(document.body).display === "none",
    };
  }, FORBIDDEN);
}

async function expectInert(page: Page) {
  const report = await inspect(page);
  expect(report.pwned, "a payload ran").toBeUndefined();
  expect(report.handlers, "event-handler attributes on the page").toEqual([]);
  expect(report.forbidden, "active or styling elements in the chat").toEqual([]);
  expect(report.badHrefs, "links with a dangerous scheme").toEqual([]);
  expect(report.badRels, "links that keep the opener or the referrer").toEqual([]);
  expect(report.linkCount).toBeGreaterThan(0);
  expect(report.overflow, "horizontal overflow").toEqual([]);
  expect(report.bodyHidden).toBe(false);
}

/** Open every tool card and step group, and unfold every folded tool output, so all of it renders. */
async function unfoldEverything(page: Page) {
  await page.locator("main details:not([open])").evaluateAll((all) => {
    for (const details of all) (details as HTMLDetailsElement).open = true;
  });
  const more = page.getByRole("button", { name: "Show more" });
  while ((await more.count()) > 0) await more.first().click();
}

// DOM snapshots of a page this size make every traced action crawl: keep the trace, without snapshots.
test.use({ trace: { mode: "retain-on-failure", snapshots: false, screenshots: false } });

test("hostile model output renders inert and the page stays usable", async ({ page, context }) => {
  const pwnedRequests: string[] = [];
  const dialogs: string[] = [];
  const popups: string[] = [];
  context.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/pwned")) pwnedRequests.push(request.url());
  });
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  context.on("page", (popup) => popups.push(popup.url()));
  // Two runs, a reload and a click on every payload link over a very large page; the run itself must still end
  // within waitForRunToEnd's usual 45 s.
  test.setTimeout(120_000);
  await page.goto("/");
  await ask(page, QUESTION);
  const answer = assistantMessages(page).first();
  // The whole answer arrived (its last item is the approval card): nothing ran, even if the page looks broken.
  await expect(answer.locator("[data-approval-card]")).toBeAttached({ timeout: 45_000 });
  await expectInert(page);
  await waitForRunToEnd(page);
  await expect(answer.locator("[data-approval-card]")).toContainText("publish_page");
  // The payloads show as text.
  await expect(
    answer
      .locator("pre")
      .filter({ hasText: `<script>${PWN}</script>` })
      .first(),
  ).toBeVisible();
  await expect(answer.getByText("W".repeat(200)).first()).toBeVisible();
  await expect(answer.getByText("level 200", { exact: false })).toHaveCount(1);
  // The sidebar title is the hostile question, shown as text.
  await expect(page.getByRole("navigation", { name: "Chat history" })).toContainText("<img src=x onerror=");
  await expect(page.locator('[data-role="user"]')).toHaveText(QUESTION);

  await unfoldEverything(page);
  await expect(answer.locator("[data-tool-name]")).toHaveCount(3);
  await expectInert(page);

  // Clicking what used to be a javascript:/data: link does nothing.
  const url = page.url();
  for (const text of PAYLOAD_LINK_TEXTS) {
    const target = answer.getByText(text, { exact: true });
    const count = await target.count();
    expect(count, `"${text}" is shown`).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) await target.nth(i).click();
  }
  // Autolinks show their payload as the link text.
  const autolinks = answer.getByText(/^(javascript|data|vbscript):/i);
  expect(await autolinks.count()).toBeGreaterThan(0);
  for (const autolink of await autolinks.all()) await autolink.click();
  await page.waitForTimeout(300);
  expect(page.url()).toBe(url);
  expect(popups).toEqual([]);

  // Nothing covers the composer and it still works.
  const box = page.getByRole("textbox", { name: "Message" });
  const covering = await box.evaluate((el) => {
    const rect = el.getBoundingClientRect();
    return document.elementFromPoint(rect.x + rect.width / 2, rect.y + rect.height / 2) === el;
  });
  expect(covering, "the composer is not covered").toBe(true);
  await ask(page, "hello");
  await waitForRunToEnd(page);
  await expect(assistantMessages(page).last()).toContainText('You asked: "hello"');
  await expectInert(page);

  // The stored chat, rendered again by the server after a reload, is just as inert; also on a phone.
  await page.reload();
  await expect(assistantMessages(page)).toHaveCount(2);
  await expect(page.locator('[data-role="user"]').first()).toHaveText(QUESTION);
  await expectInert(page);
  await page.setViewportSize({ width: 390, height: 800 });
  await expectInert(page);

  expect(pwnedRequests, "requests to /pwned").toEqual([]);
  expect(dialogs, "dialogs").toEqual([]);
});
