// What the browser bench installs in the page before any of the app's scripts run. Plain strings, not functions:
// Playwright would serialise a function's source as compiled by tsx, helpers and all.
//
// The probe records, on `window.__bench`:
// - every long task (PerformanceObserver "longtask", buffered), as start and duration in page time;
// - `textMutations`: the page time of every DOM mutation inside an assistant message (the commit that shows new
//   words), and `firstTextAt`, the first one after which the message has text. Only a timestamp per mutation
//   batch (`closest()` on the target, no text read): the probe must not add work to the tasks it measures;
// - `allMessagesAt` / `lastInViewAt`: the first animation frame in which the page has `expectedMessages`
//   messages, and the time (IntersectionObserver) the last of them came on screen (set
//   `window.__benchExpectMessages` first).

export const PROBE_SCRIPT = `(() => {
  const bench = { longTasks: [], textMutations: [], firstTextAt: null, allMessagesAt: null, lastInViewAt: null };
  window.__bench = bench;
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

  // Until every message is there, one query per frame; then an IntersectionObserver on the last one, so the
  // probe forces no layout of its own (a rect read per frame would).
  let watched = null;
  const seen = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting && bench.lastInViewAt === null) bench.lastInViewAt = entry.time;
    }
  });
  const frame = () => {
    const expected = window.__benchExpectMessages;
    if (expected && (!watched || !watched.isConnected)) {
      const messages = document.querySelectorAll("[data-role]");
      if (messages.length >= expected) {
        if (bench.allMessagesAt === null) bench.allMessagesAt = performance.now();
        if (watched) seen.unobserve(watched);
        watched = messages[messages.length - 1];
        seen.observe(watched);
      }
    }
    if (expected && bench.lastInViewAt === null) requestAnimationFrame(frame);
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
}

export const READ_PROBE = "window.__bench";
