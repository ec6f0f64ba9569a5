// Part "browser" of `npm run bench`: the production build under `next start` on the embedded emulator, driven
// in the system Chromium. Long tasks while a 6,000-word answer is revealed (ours, and the same page fed at the
// baseline's pace), and the time to show a 200-message chat with tool cards. A few minutes, most of it the build
// and the baseline's one-word-per-10-ms reveal.

import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "@playwright/test";
import { BASELINE_WORD_PAUSE_MS } from "./baseline";
import { type InteractiveRun, measureNewChat } from "./browser-interactive";
import {
  LONG_ANSWER_QUESTION,
  type LoadRun,
  launchBrowser,
  measureChatLoads,
  measureLongAnswer,
  type RevealRun,
} from "./browser-measure";
import {
  BEFORE_AND_AFTER,
  BEFORE_CHAT_PAGE_BYTES,
  BEFORE_NEW_CHAT_SCRIPT_BYTES,
  LONG_CHAT_BREAKDOWN,
  NEW_CHAT_BREAKDOWN,
} from "./browser-notes";
import { LONG_CHAT_ID, mintSession, seedLongChat } from "./browser-seed";
import { type AppServer, buildApp, startApp } from "./browser-server";
import { type BenchSection, type Goal, ms, percentile, table } from "./report";

const GOAL_MAX_LONG_TASK_MS = 100;
const OURS_REVEAL_RUNS = 3;
const CHAT_PAIRS = 100;
/** The first open of the long chat, then reloads. */
const CHAT_LOADS = 6;
/** Loads of a new chat ("/") after the first one on a cold server, each a first visit. */
const NEW_CHAT_LOADS = 5;
const GOAL_CHAT_RELOAD_MS = 1_000;
const GOAL_CHAT_FIRST_OPEN_MS = 1_500;
const GOAL_NEW_CHAT_READY_MS = 1_000;
const GOAL_NEW_CHAT_COLD_MS = 1_500;

/** Fast scenarios and quick polls: the bench measures the browser, not the upstream's duration. */
const SERVER_ENV = {
  SUPERVISOR_PROVIDER: "emulator",
  EMULATOR_TIME_SCALE: "0.25",
  SUPERVISOR_POLL_INTERVAL_MS: "250",
  NEXT_TELEMETRY_DISABLED: "1",
  // Whatever the shell has set: the seeded chat is in PGlite, and the emulator answers without faults or delays.
  DATABASE_URL: "",
  EMULATOR_FAULTS: "",
  EMULATOR_LATENCY_MS: "",
};

async function withServer<T>(
  env: Record<string, string>,
  use: (server: AppServer) => Promise<T>,
): Promise<T> {
  const server = await startApp({ ...SERVER_ENV, ...env });
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

export async function runBrowserBench(log: (line: string) => void): Promise<BenchSection> {
  buildApp(log);
  const session = mintSession();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "bench-browser-"));
  let browser: Browser | undefined;
  try {
    log(`seeding a ${CHAT_PAIRS * 2}-message chat…`);
    await seedLongChat(path.join(dataDir, "pglite"), session.ownerId, CHAT_PAIRS);
    browser = await launchBrowser();
    const chromium = browser.version();
    const b = browser;

    const { ours, loads, newChat } = await withServer(
      { PGLITE_DIR: path.join(dataDir, "pglite"), SESSION_SECRET: session.secret },
      async ({ url }) => {
        log(`a new chat on ${url}: the first load on the cold server…`);
        const cold = await measureNewChat(b, url);
        log(`ours on ${url}: warm-up, then ${OURS_REVEAL_RUNS} long answers…`);
        await measureLongAnswer(b, url); // warm-up: server-side caches, JIT; not reported
        const ours: RevealRun[] = [];
        for (let i = 0; i < OURS_REVEAL_RUNS; i++) ours.push(await measureLongAnswer(b, url));
        log(`the ${CHAT_PAIRS * 2}-message chat, ${CHAT_LOADS} loads…`);
        const loads = await measureChatLoads(
          b,
          url,
          `/chat/${LONG_CHAT_ID}`,
          session.cookie,
          CHAT_PAIRS * 2,
          CHAT_LOADS,
        );
        log(`a new chat, ${NEW_CHAT_LOADS} more loads…`);
        const warm: InteractiveRun[] = [];
        for (let i = 0; i < NEW_CHAT_LOADS; i++) warm.push(await measureNewChat(b, url));
        return { ours, loads, newChat: { cold, warm } };
      },
    );
    const baseline = await withServer(
      { PGLITE_DIR: "memory://", SESSION_SECRET: session.secret, BENCH_REVEAL: "baseline" },
      async ({ url }) => {
        log(`baseline pacing on ${url}: one long answer (over a minute)…`);
        return measureLongAnswer(b, url);
      },
    );
    return section(chromium, ours, baseline, loads, newChat);
  } finally {
    await browser?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const kB = (bytes: number) => `${Math.round(bytes / 1000).toLocaleString("en-US")} kB`;

function section(
  chromium: string,
  ours: RevealRun[],
  baseline: RevealRun,
  loads: LoadRun[],
  newChat: { cold: InteractiveRun; warm: InteractiveRun[] },
): BenchSection {
  const worst = Math.max(...ours.map((r) => r.maxMs));
  const [first, ...reloads] = loads as [LoadRun, ...LoadRun[]];
  const reloadP50 = percentile(
    reloads.map((r) => r.lastInViewMs),
    0.5,
  );
  const openLongest = Math.max(...loads.map((r) => r.maxMs));
  const pageBytes = first.htmlBytes;
  const readyP50 = percentile(
    newChat.warm.map((r) => r.readyMs),
    0.5,
  );
  const scriptBytes = percentile(
    newChat.warm.map((r) => r.scriptBytes),
    0.5,
  );
  const goals: Goal[] = [
    [
      worst <= GOAL_MAX_LONG_TASK_MS,
      `No long task > ${GOAL_MAX_LONG_TASK_MS} ms during a 6,000-word reveal (ours, ${ours.length} runs): ${worst > 0 ? `longest ${ms(worst)}` : "no long task at all (none over 50 ms)"}`,
    ],
    [
      reloadP50 <= GOAL_CHAT_RELOAD_MS,
      `200-message chat, last message on screen ≤ ${ms(GOAL_CHAT_RELOAD_MS)} on reload (p50): ${ms(reloadP50)}`,
    ],
    [
      first.lastInViewMs <= GOAL_CHAT_FIRST_OPEN_MS,
      `200-message chat, last message on screen ≤ ${ms(GOAL_CHAT_FIRST_OPEN_MS)} on first open: ${ms(first.lastInViewMs)}`,
    ],
    [
      pageBytes <= BEFORE_CHAT_PAGE_BYTES / 2,
      `200-message chat, HTML + payload ≤ half of before this work (${kB(BEFORE_CHAT_PAGE_BYTES)}): ${kB(pageBytes)}`,
    ],
    [
      openLongest <= GOAL_MAX_LONG_TASK_MS,
      `200-message chat, no long task > ${GOAL_MAX_LONG_TASK_MS} ms while it opens (${loads.length} loads): ${openLongest > 0 ? `longest ${ms(openLongest)}` : "none over 50 ms"}`,
    ],
    [
      readyP50 <= GOAL_NEW_CHAT_READY_MS,
      `New chat interactive (composer hydrated) ≤ ${ms(GOAL_NEW_CHAT_READY_MS)} after navigation (p50 of ${newChat.warm.length}): ${ms(readyP50)}`,
    ],
    [
      newChat.cold.readyMs <= GOAL_NEW_CHAT_COLD_MS,
      `New chat interactive ≤ ${ms(GOAL_NEW_CHAT_COLD_MS)} on a just-started server: ${ms(newChat.cold.readyMs)}`,
    ],
    [
      scriptBytes <= 0.6 * BEFORE_NEW_CHAT_SCRIPT_BYTES,
      `New chat's scripts ≤ 60 % of before this work (${kB(BEFORE_NEW_CHAT_SCRIPT_BYTES)}): ${kB(scriptBytes)} (${Math.round((100 * scriptBytes) / BEFORE_NEW_CHAT_SCRIPT_BYTES)} %)`,
    ],
  ];
  const revealRow = (label: string, r: RevealRun) => [
    label,
    r.words.toLocaleString("en-US"),
    String(r.commits),
    ms(r.revealMs),
    String(r.count),
    ms(r.maxMs),
    ms(r.totalMs),
  ];
  const revealTable = table(
    ["run", "words shown", "DOM commits", "first → last words", "long tasks", "longest", "long tasks, total"],
    [...ours.map((r, i) => revealRow(`ours ${i + 1}`, r)), revealRow("baseline pacing", baseline)],
  );
  const loadColumns: Array<[header: string, value: (r: LoadRun) => number, format: (v: number) => string]> = [
    ["first byte", (r) => r.firstByteMs, ms],
    ["HTML", (r) => r.htmlBytes, kB],
    ["of it, flight payload", (r) => r.flightBytes, kB],
    ["last message on screen", (r) => r.lastInViewMs, ms],
    ["composer ready", (r) => r.readyMs, ms],
    ["all messages in the DOM", (r) => r.allMessagesMs, ms],
    ["script", (r) => r.scriptMs, ms],
    ["style + layout", (r) => r.styleLayoutMs, ms],
    ["long tasks", (r) => r.count, String],
    ["longest", (r) => r.maxMs, ms],
    ["long tasks, total", (r) => r.totalMs, ms],
  ];
  const loadTable = table(
    ["load", ...loadColumns.map(([header]) => header)],
    [
      ["first open", ...loadColumns.map(([, value, format]) => format(value(first)))],
      ...reloads.map((r, i) => [
        `reload ${i + 1}`,
        ...loadColumns.map(([, value, format]) => format(value(r))),
      ]),
      [
        "reloads, p50",
        ...loadColumns.map(([, value, format]) => format(percentile(reloads.map(value), 0.5))),
      ],
    ],
  );
  const newChatRow = (label: string, r: InteractiveRun) => [
    label,
    ms(r.readyMs),
    String(r.scripts),
    kB(r.scriptBytes),
    kB(r.scriptTransferBytes),
  ];
  const newChatTable = table(
    ["load", "composer ready", "scripts", "script bytes", "sent (compressed)"],
    [
      newChatRow("cold server", newChat.cold),
      ...newChat.warm.map((r, i) => newChatRow(`load ${i + 1}`, r)),
      [
        "loads, p50",
        ms(readyP50),
        "",
        kB(scriptBytes),
        kB(
          percentile(
            newChat.warm.map((r) => r.scriptTransferBytes),
            0.5,
          ),
        ),
      ],
    ],
  );
  const body = `The production build (\`next build\`, then \`next start\` on a free port in 3200–3299) on the embedded
emulator (\`EMULATOR_TIME_SCALE=0.25\`, \`SUPERVISOR_POLL_INTERVAL_MS=250\`), driven by Playwright in the system
Chromium ${chromium} (1280×800, \`--disable-gpu\`). Before any of the app's scripts run, the page gets a probe
(\`bench/browser-probe.ts\`): a \`PerformanceObserver\` for \`longtask\` entries (buffered), a \`MutationObserver\` that
timestamps each DOM commit inside an assistant message, and, for the long chat, a frame loop and an
\`IntersectionObserver\` on its last message.

### Long tasks during a 6,000-word reveal

"${LONG_ANSWER_QUESTION}" in a fresh chat: the emulator's long scenario, a ~6,000-word markdown report, revealed by
the server and rendered as it arrives. Counted: long tasks overlapping the window from the first words on screen
to one second after the last (times are DOM commits, not paints). One unreported warm-up run first.

- **ours**: the server's \`revealText\` (≤ 1.5 s, one delta per 30 ms frame).
- **baseline pacing**: the same build and page, on a second server started with \`BENCH_REVEAL=baseline\` (a
  bench-only switch in \`lib/stream/reveal.ts\`): one word per event with a ${BASELINE_WORD_PAUSE_MS} ms pause, the
  fixed-poll baseline's delivery (\`bench/baseline.ts\`). Only the reveal differs; the browser side is ours in both.

${revealTable}

### A 200-message chat with tool cards

A chat of ${CHAT_PAIRS} questions and answers, written into the server's PGlite directory before it starts
(\`bench/browser-seed.ts\`), owned by a session cookie signed with the server's \`SESSION_SECRET\`. Every answer is
shaped like the multi-step scenario's: a reasoning summary, two hosted tool cards (a Genie markdown table, a
trend summary) and a markdown answer with a table. Times from navigation start (page time): the page's first byte
(the server has rendered the page by then), the first frame with the chat's last message on screen (watched
from the end of the HTML's parsing on, an IntersectionObserver), the composer ready (React has hydrated the
chat, see the new chat below) and the first frame with all 200 messages in the DOM (the page may add earlier
ones after showing the end). Main-thread time in scripts and in style and layout (Chromium's
\`Performance.getMetrics\`) and long tasks, from navigation start until a second after the last of those. The
first open, then ${CHAT_LOADS - 1} reloads in the same tab. HTML is the document as decoded (the flight payload, the RSC data
React hydrates from, is the part of it in inline \`self.__next_f.push\` scripts); "composer ready" is when the
chat has hydrated (see below).

${loadTable}

${LONG_CHAT_BREAKDOWN}

### A new chat: how soon it answers the keyboard

"/" in a fresh browser context each time (an empty cache, as on a first visit): the first load right after
\`next start\` (the server's readiness check asks \`/api/health\`, so no page has been rendered yet), then
${NEW_CHAT_LOADS} more on the same server. "Composer ready" is navigation start → the Composer's first effect,
which sets \`window.__composerReady\` (\`components/chat/early-input-script.ts\`) and from which typed keys go to
React; the probe times that assignment with a setter, so the app carries no code for the bench. The effect runs
when React has hydrated the chat, so it is the time to interactive. Scripts: every script the page asked for
before then (resource timing), as decoded and as sent (gzip).

${newChatTable}

${NEW_CHAT_BREAKDOWN}

${BEFORE_AND_AFTER}`;
  return {
    id: "browser",
    title: "Browser: long tasks during a reveal, a 200-message chat, a new chat's time to interactive",
    intro:
      "The real app in Chromium: main-thread long tasks while a 6,000-word answer is revealed (ours against the baseline's delivery), how long a 200-message chat with tool cards takes to show, and how soon a new chat answers the keyboard.",
    goals,
    body,
  };
}
