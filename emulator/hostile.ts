// Hostile model output: a corpus of payloads that would run script, phone home, cover the page or stall it if a
// client rendered model text carelessly, and the `hostile` scenario that answers with all of it (assistant
// messages, a hosted tool call and its output, an MCP call, a tool list, reasoning, an unknown item, citations
// and an approval request). Every payload that could execute does something a test can observe: it bumps
// `window.__pwned` or requests `/pwned`.

import type { Step, Timeline } from "./timeline";
import type { JsonObject } from "./types";

/** Script that marks the page as compromised. No spaces and balanced parentheses: it fits a markdown link. */
export const PWN_JS = "window.__pwned=(window.__pwned||0)+1";
/** The path every fetching payload requests. */
export const PWN_PATH = "/pwned";
const FETCH_JS = `fetch('${PWN_PATH}')`;
const PWN_HTML_B64 = btoa(`<script>${PWN_JS};${FETCH_JS}</script>`);
const PWN_SVG_B64 = btoa(`<svg xmlns="http://www.w3.org/2000/svg" onload="${PWN_JS}"/>`);

export type HostileKind =
  | "script"
  | "event-handler"
  | "embed"
  | "url"
  | "autolink"
  | "reference"
  | "entity"
  | "style"
  | "breakout"
  | "unicode"
  | "size"
  | "nesting";

export interface HostileSample {
  name: string;
  kind: HostileKind;
  markdown: string;
}

const sample = (kind: HostileKind, name: string, markdown: string): HostileSample => ({
  name,
  kind,
  markdown,
});

/** The 50,000-character token with no break opportunity, and the 20,000-character URL. */
export const LONG_TOKEN = "W".repeat(50_000);
export const LONG_URL = `https://example.com/${"a".repeat(20_000)}`;
export const NESTING_DEPTH = 200;

const deepQuote = `${"> ".repeat(NESTING_DEPTH)}a quote ${NESTING_DEPTH} levels deep [x](javascript:${PWN_JS})`;
const deepList = Array.from(
  { length: NESTING_DEPTH },
  (_, depth) =>
    `${"  ".repeat(depth)}- level ${depth + 1}${depth === NESTING_DEPTH - 1 ? ` <img src=x onerror=${PWN_JS}>` : ""}`,
).join("\n");
const deepStaircase = Array.from(
  { length: NESTING_DEPTH },
  (_, depth) => `${"> ".repeat(depth + 1)}step ${depth + 1}`,
).join("\n");
const deepMixed = `${Array.from({ length: NESTING_DEPTH }, () => "> - ").join("")}quote and list ${NESTING_DEPTH} deep`;
const hugeTable = [
  `| ${Array.from({ length: 20 }, (_, c) => `Column ${c + 1}`).join(" | ")} |`,
  `|${" --- |".repeat(20)}`,
  ...Array.from(
    { length: 400 },
    (_, r) =>
      `| ${Array.from({ length: 20 }, (_, c) =>
        r === 7 && c === 3
          ? `<img src=x onerror=${PWN_JS}>`
          : r === 9 && c === 5
            ? "X".repeat(5_000)
            : `r${r + 1}c${c + 1}`,
      ).join(" | ")} |`,
  ),
].join("\n");

/** Every sample, in the order the scenario shows them. */
export const HOSTILE_SAMPLES: ReadonlyArray<HostileSample> = [
  // --- script tags ----------------------------------------------------------------------------------------
  sample("script", "script tag", `<script>${PWN_JS}</script>`),
  sample("script", "uppercase script tag", `<SCRIPT>${FETCH_JS}</SCRIPT>`),
  sample("script", "split script tag", `<scr<script>ipt>${PWN_JS}</scr</script>ipt>`),
  sample("script", "script with src", `<script src="${PWN_PATH}"></script>`),
  sample("script", "script tag spread over lines", `<script\ntype="text/javascript"\n>${PWN_JS}</script>`),
  sample("script", "script inside a code fence", `\`\`\`html\n<script>${PWN_JS}</script>\n\`\`\``),
  sample("script", "script inside inline code", `Inline: \`<script>${PWN_JS}</script>\``),
  sample("script", "script inside an HTML comment", `<!-- --><script>${PWN_JS}</script><!-- -->`),
  // --- event handlers -------------------------------------------------------------------------------------
  sample("event-handler", "img onerror", `<img src=x onerror="${PWN_JS}">`),
  sample("event-handler", "img onerror unquoted", `Text before <img src=x onerror=${FETCH_JS}> text after`),
  sample("event-handler", "svg onload", `<svg onload=${PWN_JS}><circle r="5"/></svg>`),
  sample("event-handler", "svg animate onbegin", `<svg><animate onbegin=${PWN_JS} attributeName=x dur=1s>`),
  sample(
    "event-handler",
    "details ontoggle",
    `<details open ontoggle=${PWN_JS}><summary>open me</summary></details>`,
  ),
  sample("event-handler", "input autofocus onfocus", `<input autofocus onfocus=${PWN_JS}>`),
  sample("event-handler", "body onload", `<body onload=${PWN_JS}>`),
  sample(
    "event-handler",
    "anchor onclick",
    `<a href="https://example.com" onclick="${PWN_JS}">a link with onclick</a>`,
  ),
  sample("event-handler", "video source onerror", `<video><source onerror="${PWN_JS}"></video>`),
  sample(
    "event-handler",
    "mutation XSS through noscript",
    `<noscript><p title="</noscript><img src=x onerror=${PWN_JS}>"></noscript>`,
  ),
  // --- embedded documents and navigation ------------------------------------------------------------------
  sample("embed", "iframe javascript src", `<iframe src="javascript:${PWN_JS}"></iframe>`),
  sample("embed", "iframe srcdoc", `<iframe srcdoc="<script>parent.${PWN_JS}</script>"></iframe>`),
  sample("embed", "object data URL", `<object data="data:text/html;base64,${PWN_HTML_B64}"></object>`),
  sample("embed", "embed src", `<embed src="data:image/svg+xml;base64,${PWN_SVG_B64}">`),
  sample("embed", "raw anchor javascript href", `<a href="javascript:${PWN_JS}">raw anchor</a>`),
  sample(
    "embed",
    "form button formaction",
    `<form action="${PWN_PATH}"><button formaction="javascript:${PWN_JS}">Submit</button></form>`,
  ),
  sample("embed", "meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:${PWN_JS}">`),
  sample("embed", "base href", `<base href="javascript:${PWN_JS}//">`),
  sample("embed", "tracking image", `<img src="${PWN_PATH}"> ![tracking pixel](${PWN_PATH})`),
  // --- markdown links and images with dangerous schemes ---------------------------------------------------
  sample("url", "markdown javascript link", `[javascript link](javascript:${PWN_JS})`),
  sample("url", "mixed-case scheme", `[mixed-case link](JaVaScRiPt:${PWN_JS})`),
  sample("url", "decimal entity in scheme", `[decimal entity link](&#106;avascript:${PWN_JS})`),
  sample("url", "hex entity in scheme", `[hex entity link](&#x6A;avascript&#x3A;${FETCH_JS})`),
  sample("url", "named entity colon", `[named entity link](javascript&colon;${PWN_JS})`),
  sample("url", "tab inside scheme", `[tab link](java&#9;script:${PWN_JS})`),
  sample("url", "leading spaces", `[spaced link](<  javascript:${PWN_JS}>)`),
  sample("url", "vbscript link", `[vbscript link](vbscript:msgbox\\(1\\))`),
  sample("url", "data HTML link", `[data link](data:text/html;base64,${PWN_HTML_B64})`),
  sample("url", "data HTML link, plain", `[plain data link](data:text/html,<script>${PWN_JS}</script>)`),
  sample("url", "file link", "[file link](file:///etc/passwd)"),
  sample("url", "javascript image", `![javascript image](javascript:${PWN_JS})`),
  sample("url", "data SVG image", `![svg image](data:image/svg+xml;base64,${PWN_SVG_B64})`),
  sample("url", "link title breakout", `[title link](https://example.com "x\\" onmouseover=\\"${PWN_JS}")`),
  sample("url", "image wrapped in a javascript link", `[![img](${PWN_PATH})](javascript:${PWN_JS})`),
  // --- autolinks ------------------------------------------------------------------------------------------
  sample("autolink", "javascript autolink", `<javascript:${PWN_JS}>`),
  sample("autolink", "uppercase javascript autolink", `<JAVASCRIPT:${FETCH_JS}>`),
  sample("autolink", "data autolink", `<data:text/html;base64,${PWN_HTML_B64}>`),
  sample("autolink", "vbscript autolink", "<vbscript:msgbox(1)>"),
  sample("autolink", "literal www autolink with quote", `www.example.com/"onmouseover="${PWN_JS}`),
  // --- reference-style links ------------------------------------------------------------------------------
  sample(
    "reference",
    "reference links",
    [
      "[full reference][evil], [collapsed reference][], [shortcut reference] and ![reference image][pixel]",
      "",
      `[evil]: javascript:${PWN_JS} "evil title"`,
      `[collapsed reference]: <data:text/html;base64,${PWN_HTML_B64}>`,
      `[shortcut reference]: JaVaScRiPt:${FETCH_JS}`,
      `[pixel]: ${PWN_PATH}`,
    ].join("\n"),
  ),
  // --- HTML entities --------------------------------------------------------------------------------------
  sample("entity", "escaped script", `&lt;script&gt;${PWN_JS}&lt;/script&gt; (shown as text)`),
  sample(
    "entity",
    "numeric entities",
    `&#60;img src=x onerror=${PWN_JS}&#62; and &#x3C;svg onload=${PWN_JS}&#x3E;`,
  ),
  // --- styles that would cover or hide the page -----------------------------------------------------------
  sample("style", "style hides everything", "<style>*{display:none!important}</style>"),
  sample(
    "style",
    "style imports",
    `<style>@import url(${PWN_PATH});body{background:url(${PWN_PATH})}</style>`,
  ),
  sample(
    "style",
    "fixed overlay",
    '<div style="position:fixed;inset:0;z-index:2147483647;background:#c00">covered</div>',
  ),
  sample("style", "link stylesheet", `<link rel="stylesheet" href="${PWN_PATH}">`),
  // --- markdown that tries to leave the component ---------------------------------------------------------
  sample(
    "breakout",
    "closing tags",
    `</p></div></article></main></body></html><script>${PWN_JS}</script><div>`,
  ),
  sample("breakout", "attribute breakout", `"/><img src=x onerror=${PWN_JS}>'/><svg onload=${PWN_JS}>`),
  sample("breakout", "template injection", `{{constructor.constructor('${PWN_JS}')()}} \${${PWN_JS}}`),
  sample("breakout", "textarea and plaintext", "<textarea><plaintext><xmp>everything after this"),
  sample("breakout", "CDATA", `<![CDATA[<script>${PWN_JS}</script>]]>`),
  sample("breakout", "unterminated fence", `\`\`\`\n<script>${PWN_JS}</script>\nthe fence never closes`),
  // --- invisible and direction-changing characters --------------------------------------------------------
  sample(
    "unicode",
    "zero-width and RTL override",
    `\u202Egnp.exe\u202C file, [\u202Ehttps://trusted.example\u202C](java\u200Bscript:${PWN_JS}), ` +
      `zero\u200Bwidth\u200C\u200D\uFEFFjoiners, \u2066isolate\u2069`,
  ),
  sample("unicode", "combining marks", `Z${"\u0336\u0334\u0335\u0337\u0338".repeat(40)}algo`),
  // --- size and depth -------------------------------------------------------------------------------------
  sample("size", "50,000-character token", LONG_TOKEN),
  sample("size", "20,000-character URL", `${LONG_URL} and as a link: [long URL](${LONG_URL})`),
  sample("size", "long token in inline code", `\`${"C".repeat(10_000)}\``),
  sample("size", "huge table", hugeTable),
  sample("nesting", "200-deep blockquotes", deepQuote),
  sample("nesting", "200-deep lists", deepList),
  sample("nesting", "200-deep staircase of quotes", deepStaircase),
  sample("nesting", "200-deep quotes in lists", deepMixed),
  sample("nesting", "unclosed brackets", `${"[".repeat(5_000)}x${"](javascript:".repeat(200)}`),
  sample("nesting", "emphasis run", "*a **a ".repeat(2_000)),
];

function section(title: string, kinds: HostileKind[]): string {
  const samples = HOSTILE_SAMPLES.filter((s) => kinds.includes(s.kind));
  return [`## ${title}`, ...samples.map((s) => `**${s.name}:**\n\n${s.markdown}`)].join("\n\n");
}

const ARGUMENTS: JsonObject = {
  html: `<script>${PWN_JS}</script><img src=x onerror=${PWN_JS}>`,
  url: `javascript:${PWN_JS}`,
  markdown: `[click](javascript:${PWN_JS})`,
  data: `data:text/html;base64,${PWN_HTML_B64}`,
  long: "A".repeat(5_000),
};

const BREAKOUT = section("Breakout", ["breakout"]);

/** A citation of the words `cited` in `text`, as `url_citation`s say where in the text they apply. */
function citation(text: string, cited: string, url: string, title: string): JsonObject {
  const start = text.indexOf(cited);
  if (start < 0) throw new Error(`"${cited}" is not in the text it cites`);
  return { type: "url_citation", url, title, start_index: start, end_index: start + cited.length };
}

/** Citations whose links and titles would run script if a client trusted them. */
const CITATIONS = [
  citation(BREAKOUT, "closing tags", `javascript:${PWN_JS}`, "javascript citation"),
  citation(BREAKOUT, "attribute breakout", `data:text/html;base64,${PWN_HTML_B64}`, "data citation"),
  citation(BREAKOUT, "template injection", "https://example.com/cited", `<img src=x onerror=${PWN_JS}>`),
];

/** A markdown tool output: folded in the tool card, rendered as markdown when unfolded. */
const TOOL_OUTPUT = section("Tool output", ["script", "event-handler", "url", "style"]);

function approvalRequest(): JsonObject {
  return {
    type: "mcp_approval_request",
    server_label: `"><img src=x onerror=${PWN_JS}>`,
    name: "publish_page",
    arguments: JSON.stringify({ ...ARGUMENTS, title: `<svg onload=${PWN_JS}>` }),
  };
}

/** The hostile scenario: the question echoed raw, then the corpus through every kind of item the app renders. */
export function hostileTimeline(question: string): Timeline {
  const steps: Step[] = [
    { kind: "wait", ms: 300 },
    {
      kind: "reasoning",
      ms: 300,
      text: `Reasoning with <script>${PWN_JS}</script> and [x](javascript:${PWN_JS})`,
    },
    {
      kind: "item",
      ms: 200,
      prefix: "mcpl",
      item: {
        type: "mcp_list_tools",
        server_label: `<svg onload=${PWN_JS}>`,
        tools: [
          {
            name: `<img src=x onerror=${PWN_JS}>`,
            description: `<script>${PWN_JS}</script> [x](javascript:${PWN_JS})`,
            input_schema: { type: "object", properties: {} },
          },
        ],
      },
    },
    {
      kind: "message",
      ms: 500,
      text: `You asked: ${question}\n\n${section("Markup", ["script", "event-handler", "embed", "style", "entity"])}`,
    },
    {
      kind: "function_call",
      ms: 400,
      queuedMs: 100,
      name: "fetch_page",
      arguments: JSON.stringify(ARGUMENTS),
    },
    { kind: "function_call_output", ms: 300, callStep: 4, output: TOOL_OUTPUT },
    {
      kind: "function_call",
      ms: 300,
      queuedMs: 0,
      name: "inspect_page",
      arguments: `{"not json": <script>${PWN_JS}</script>`,
    },
    {
      kind: "function_call_output",
      ms: 200,
      callStep: 6,
      output: JSON.stringify({ html: ARGUMENTS.html, link: ARGUMENTS.url, note: "JSON output" }),
    },
    {
      kind: "item",
      ms: 300,
      prefix: "mcp",
      item: {
        type: "mcp_call",
        server_label: `<svg onload=${PWN_JS}>`,
        name: "render_html",
        arguments: JSON.stringify(ARGUMENTS),
        output: section("MCP output", ["autolink", "reference", "breakout"]),
        error: null,
        status: "completed",
      },
    },
    { kind: "message", ms: 500, text: section("Links", ["url", "autolink", "reference"]) },
    {
      kind: "item",
      ms: 200,
      prefix: "holo",
      item: {
        type: `emulator_hostile"><img src=x onerror=${PWN_JS}>`,
        status: "completed",
        payload: { html: ARGUMENTS.html, url: ARGUMENTS.url },
      },
    },
    { kind: "message", ms: 500, text: section("Size", ["size"]) },
    { kind: "message", ms: 500, text: section("Nesting", ["nesting"]) },
    { kind: "message", ms: 400, text: section("Unicode", ["unicode"]) },
    {
      kind: "item",
      ms: 200,
      prefix: "msg",
      item: {
        type: "message",
        role: "assistant",
        status: "completed",
        content: [{ type: "output_text", text: BREAKOUT, annotations: CITATIONS }],
      },
    },
    { kind: "message", ms: 300, text: "One more thing needs your approval." },
    { kind: "item", ms: 200, prefix: "mcpr", item: approvalRequest() },
  ];
  return { scenario: "hostile", queuedMs: 600, steps, outcome: { status: "completed" } };
}
