// The browser bench's report text that is measured once rather than on every run: the app before a change,
// where its time went, and what was done about it (bench/browser.ts puts it under its tables).

/**
 * Measured on the app before issue 18's browser work (commit 2202bdf, this bench): the long chat's HTML (flight
 * payload included) on its first open, and the scripts a new chat loads before its composer is ready. The byte
 * goals are fractions of these.
 */
export const BEFORE_CHAT_PAGE_BYTES = 1_173_026;
export const BEFORE_NEW_CHAT_SCRIPT_BYTES = 1_123_757;

/**
 * Measured once, not re-run: the same bench on the UI before issue 6's browser work (markdown re-parsed whole on
 * every update), so the tables above can be read against it. Kept as text because the old UI is gone.
 */
export const BEFORE_AND_AFTER = `### Before and after the browser work

Issue 6 item 4 ("keep the browser cheap"): markdown is now parsed block by block, each block memoised on its
text, so a streaming answer re-parses only its growing last block (\`components/chat/markdown-blocks.ts\`; before,
every update re-parsed the whole answer: ~60 ms in Node for the 6,000-word report, more in the page); the chat
scrolls to its end in the next frame rather than from an effect; \`useChat\` throttles renders to one per 50 ms
(already so; now under the option's non-deprecated name \`throttle\`). The same bench (this code) on the UI
before these changes (commit d391553's \`components/chat\`), 2026-11-24 22:17 UTC, load average 7–9 on 2 cores:

- 6,000-word reveal, ours: 8–11 long tasks per run, longest 152–253 ms, 788–1,650 ms in total (an earlier run
  at load 2–4: 7–9 long tasks, longest 84–140 ms, 495–696 ms in total). After: see the table (the run of
  2026-11-24 22:22 UTC at load 3–7 had none in any of its 3 runs).
- Baseline pacing (1,394 commits): 44 long tasks, longest 182 ms, 3,357 ms in total. After (22:22 run): one,
  of 69 ms.
- 200-message chat, reloads p50: last message on screen 7,066 ms, script 2,773 ms, 15 long tasks (longest
  319 ms) totalling 1,865 ms. After (22:22 run, at a lower load): 4,540 ms, 1,536 ms, 5 long tasks (longest
  96 ms) totalling 320 ms; fewer long tasks probably because smaller blocks give hydration more points to yield
  at. The page's first byte (the server rendering 200 messages, ~780 kB of HTML) and hydration, which parses
  every message's markdown again, remain the bulk of its time.
`;

/**
 * Where the long chat's time went before issue 18 (this bench on commit 2202bdf, 2026-12-06 05:37 UTC, load
 * average 5–7.5 on 2 cores, so every time in it is inflated), and what changed.
 */
export const LONG_CHAT_BREAKDOWN = `#### Where the time went, and what changed (issue 18)

Before (commit 2202bdf, same bench, 2026-12-06 05:37 UTC at load 5–7.5; an earlier run at load ~1 had the last
message on screen at 2.1 s on reload and 4.1 s on first open):

- **Bytes: every message twice.** 1,173 kB of HTML: 879 kB of markup (200 rendered messages, ~8.7 kB an answer
  with its tool cards, table and highlighted SQL) and 294 kB of flight payload, the same 200 messages again as
  the chat's props (~1.4 kB a message: markdown, tool inputs and outputs).
- **Server render: most of the first byte.** 1,182 ms to the first byte (reloads, p50) to render 200 messages'
  markdown and code highlighting; the same server answers a 16-message window in ~200 ms.
- **Hydration: the page showed the end only once it was done.** The server's HTML opens at the top of the
  chat; the end came on screen when hydration had finished and follow-bottom scrolled (composer ready 4,009 ms,
  last message on screen 4,040 ms, reloads p50), and hydration parsed all 200 messages' markdown again: 1,954 ms
  of script (p50), 9 long tasks, longest 190 ms (p50; 506 ms at worst).
- **Layout: the whole transcript.** 294 ms of style and layout (p50).

After:

- **A window of the end** (\`components/chat/message-window.tsx\`): the server renders, and the page hydrates,
  the last 16 messages; all 200 come once, as data (the flight payload). The earlier ones are added above when
  the page is idle, 4 at a time in transitions, inside a \`content-visibility: auto\` block: off screen, the
  browser skips their style, layout and paint (without it, each step cost a 50–140 ms frame of paint and layout
  of the whole transcript). Find-in-page sees all of them a few seconds after opening.
- **The end at the first paint:** a script right after the scroller, in the server's HTML only, scrolls it to
  the end in the first frame; follow-bottom keeps it there from hydration on. The e2e specs check the end.
- **Only the end laid out at first.** The longest task of a first open (105 ms, the run before this one) was
  that script reading the scroller's height while the HTML was parsed: it forced the page's first style and
  layout (50–100 ms in a fresh renderer, most of it not the messages' own) into the parser's task, with all 16
  messages of the window. Now the scroll waits for the first frame, whose layout it is anyway, and of the 16
  messages only the last 4 are laid out: the 12 before them are \`content-visibility: hidden\` in the HTML
  (\`LaidOutWhenSeen\`) and \`auto\` from that frame on, so each is laid out when it comes near the screen.
- **Less to hydrate first:** the AI SDK's \`useChat\` loads on its own (see the new chat below). Finished
  messages hydrate as islands (\`components/chat/markdown-island.tsx\`): the server renders their markdown (the
  renderer reaches its render through package.json \`imports\`, \`#markdown-on-the-server\`, which the
  browser's bundle resolves to nothing), and the browser keeps that HTML (an element with an empty
  \`dangerouslySetInnerHTML\`, which React leaves as the server made it), so the page hydrates without the
  renderer and highlight.js (~200 kB of script) and without parsing 16 answers again. Once the page is
  interactive the renderer loads and each island becomes its React form (its code's Copy buttons), one per idle
  moment, the end first. Before (2026-12-07), the renderer came with the page's own scripts: a message waiting
  for it in a Suspense boundary of its own was streamed apart from the page past its first ~12 kB, its raw text
  shown until a script moved the rendered form in. Messages learn whether the page is hydrating from one object
  the chat page holds, read as they mount: \`useSyncExternalStore\` in each rendered every message again, in one
  synchronous task, right after hydration. First run with both: longest task while it opens 81 ms (105 ms with
  islands alone), composer ready 801 ms on a first open (1,186 ms before), 437 ms p50 on reloads (595 ms).
- **What the first open's long tasks are** (Chromium traces of 6 first opens, 2026-12-07: \`dur\` against
  \`tdur\`, the main thread's own CPU time). Reloads reuse the renderer and the scripts' code cache; a first
  open does not, and on this 2-core machine shares the CPU with the server and the browser's other threads:
  - *The first layout*: 90–200 ms of wall time for 10–45 ms of CPU. Nearly all of the rest was the main thread
    waiting on synchronous font look-ups in the browser process (\`FontDataService::MatchFamilyName\`,
    \`GetWebFontRenderStyleForStrike\`: 3–48 ms each while the browser and the scripts' background
    compilation keep the CPU busy). Tailwind's default stack named six families Linux does not have before
    one it has, weight by weight: 45 look-ups; naming \`system-ui\` first left 11. Tried on 2026-12-07: the
    app's own typefaces (Geist and Geist Mono, variable, preloaded) removed every look-up from the first layout
    (in a trace, 14 ms of layout for 502 objects, from 85–137 ms; in the bench, the first open's last message on
    screen at 871 ms and the longest task 122 ms), but laid out long unbroken tokens twice as slowly (the
    hostile-output e2e, a 50,000-character word among them: 18–22 s → 38–49 s): not kept. Kept from it: a
    summary's sign and a finished tool's mark are drawn, not characters a platform font must be found for. What
    is left of the first layout on a first open is mostly waiting for the CPU: in traces with the app's own
    fonts, 117–168 ms of wall time for 30–64 ms of CPU, while V8 parses the page's scripts on a background
    thread (50–60 ms in that window) and the browser process loads them.
  - *The page's scripts starting*: 75–95 ms of CPU in the task that evaluates the last script of the page, most
    of it V8 compiling, on the main thread, the module functions it runs for the first time (235 functions,
    40–60 ms). Chromium's \`//# allFunctionsCalledOnLoad\` hint (tried on every chunk) moves that compile to a
    background thread and the task goes, but the extra background work then stretches the first layout to
    130–190 ms: not kept.
  - *The hydration task* (around "composer ready") held the message box's \`focus()\`, which made the browser
    compute the page's style and layout synchronously inside it (~40 ms in a trace). The box now takes focus
    after the first frame (\`components/chat/composer.tsx\`), when they are already computed: that task went from
    ~75–100 ms to ~55–80 ms in six untraced first opens.
  - Longest task while the chat opens, by bench run: 100, 119, 120 and 136 ms in four runs with \`system-ui\`
    first (111–126 ms before); 102 and 167 ms after the focus change (the second run slower in every figure:
    first byte 514 ms against 309 ms); 122 ms with the app's own typefaces (not kept, above); 119 ms before the
    islands; 105 ms with islands; 81 ms, then 97 ms (the table above) with islands and one hydration flag: met,
    with little room on a first open (what is left: the AI SDK's chunk, evaluated when \`useChat\` loads after
    hydration, 50–80 ms; the first task after hydration, its effects).`;

/** What a new chat loaded before issue 18 (same run as above), and what changed. */
export const NEW_CHAT_BREAKDOWN = `#### What a new chat loaded, and what changed (issue 18)

Before (commit 2202bdf, same run): 1,124 kB of script (330 kB sent) in 9 files before the composer was ready,
p50 1,396 ms, 3,701 ms on the cold server. By source (the production build's source maps): Next.js and React
~475 kB; zod ~133 kB (our request schemas in \`lib/shared/chat.ts\`, the title and usage schemas, and the AI
SDK's own); the AI SDK ~190 kB (\`ai\`, \`@ai-sdk/gateway\` that \`ai\`'s one-module bundle pulls in,
\`@ai-sdk/provider-utils\`, \`@ai-sdk/react\`); markdown ~130 kB (react-markdown, micromark, mdast/hast
utilities, GFM); highlight.js grammars 65 kB; the app's own code ~60 kB.

After: what a new chat needs first, the rest on demand.

- **The chat's engine after hydration** (\`components/chat/use-chat-engine.tsx\`, \`chat-engine.tsx\`):
  \`useChat\`, its transport, the AI SDK and its zod load right after the page is interactive (a few hundred ms
  later); until then the chat shows what the server sent, and a question sent meanwhile (Enter, or typed before
  hydration) is shown as submitted and goes as soon as the engine is there.
- **Markdown on demand** (\`components/chat/deferred-markdown.tsx\`): the renderer and highlighting are a chunk
  of their own, loaded by no page before it is interactive: after hydration on a chat that opened with
  messages (which the server rendered), and on a new chat when a question is sent; an answer that arrives
  before it shows as plain text for that moment.
- **No zod in the page's first scripts:** what the page needs of \`lib/shared\` is in zod-free modules
  (\`chat.ts\`, \`chat-title.ts\`, \`usage-text.ts\`); the request schemas moved to \`chat-requests.ts\`, the
  title rule is one plain function that the server's schema calls, and a stored answer's usage is checked by
  hand.`;
