// What the browser bench installs in the page before any of the app's scripts run. Plain strings, not functions:
// Playwright would serialise a function's source as compiled by tsx, helpers and all.
//
// The probe records, on `window.__bench`:
// - every long task (PerformanceObserver "longtask", buffered), as start and duration in page time;
// - `textMutations`: the page time of every DOM mutation inside an assistant message (the commit that shows new
//   words), and `firstTextAt`, the first one after which the message has text. Only a timestamp per mutation
//   batch (`closest()` on the target, no text read): the probe must not add work to the tasks it measures;
// - `allMessagesAt` / `lastInViewAt`: the first animation frame in which the page has `expectedMessages`
//   messages, and the time (IntersectionObserver) the chat's last message came on screen (set
//   `window.__benchExpectMessages` first). The last message is watched from the first frame it is in the DOM:
//   a page may show the end of a long chat before every earlier message is there (from the end of parsing on,
//   when the last one in the DOM is the chat's last);
// - `readyAt`: when the composer took the keyboard over. The Composer's first effect sets
//   `window.__composerReady` (early-input-script.ts); the probe times that assignment with a setter, so it
//   marks the moment React has hydrated the chat and typed keys reach it, without any code of the app's own.

export const PROBE_SCRIPT = `(() => {
  const bench = { longTasks: [], textMutations: [], firstTextAt: null, allMessagesAt: null, lastInViewAt: null, readyAt: null };
  window.__bench = bench;
  let ready;
  Object.defineProperty(window, "__composerReady", {
    configurable: true,
    get: () => ready,
    set: (value) => {
      ready = value;
      if (value && bench.readyAt === null) bench.readyAt = performance.now();
    },
  });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: "longtask", buffered: true });

  const inAssistant = (node) => {
    const element = node && (node.nodeType === 1 ? node : node.parentElement);
    return element ? element.closest('[data-role="assistant"]') : null;
  };
  const observer = new MutationObserver((records) => {
    const now = performance.now();
    for (const record of records) {
      const article = inAssistant(record.target);
      if (!article) continue;
      bench.textMutations.push(now);
      if (bench.firstTextAt === null && article.textContent.trim().length > 0) bench.firstTextAt = now;
      return;
    }
  });
  const watch = () => observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  if (document.documentElement) watch(); else document.addEventListener("readystatechange", watch, { once: true });

  // One query per frame until every message is there, and an IntersectionObserver on the last one (on the new
  // last one, should it change), so the probe forces no layout of its own (a rect read per frame would).
  let watched = null;
  const seen = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting && bench.lastInViewAt === null) bench.lastInViewAt = entry.time;
    }
  });
  const frame = () => {
    const expected = window.__benchExpectMessages;
    if (expected) {
      const messages = document.querySelectorAll("[data-role]");
      if (messages.length >= expected && bench.allMessagesAt === null) bench.allMessagesAt = performance.now();
      // Once the HTML is parsed, the last message in the DOM is the chat's last (before, it may be one the parser
      // has reached so far).
      const last = document.readyState === "loading" ? null : messages[messages.length - 1];
      if (last && last !== watched && bench.lastInViewAt === null) {
        if (watched) seen.unobserve(watched);
        watched = last;
        seen.observe(watched);
      }
    }
    if (expected && (bench.lastInViewAt === null || bench.allMessagesAt === null)) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

/** Set before navigation to a chat with `n` messages, so the probe's frame loop knows when it is all there. */
export const expectMessagesScript = (n: number) => `window.__benchExpectMessages = ${n};`;

export interface ProbeData {
  longTasks: Array<{ start: number; duration: number }>;
  textMutations: number[];
  firstTextAt: number | null;
  allMessagesAt: number | null;
  lastInViewAt: number | null;
  readyAt: number | null;
}

export const READ_PROBE = "window.__bench";
