import { Markdown } from "./markdown";
import type { MarkdownRenderer } from "./markdown-island";

/**
 * The markdown renderer for the server's render of a chat page (`#markdown-on-the-server`, package.json
 * `imports`): finished messages come as HTML, which the browser keeps (MarkdownIsland). The browser's bundle
 * resolves that import to `markdown-on-the-server.browser.ts` instead, so the page's scripts do not carry the
 * renderer (react-markdown, GFM, highlighting: ~200 kB) before it is interactive.
 */
export const SERVER_MARKDOWN: MarkdownRenderer | null = Markdown;
