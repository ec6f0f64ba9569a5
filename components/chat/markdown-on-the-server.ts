import type { ComponentType } from "react";
import { Markdown } from "./markdown";

/**
 * The markdown renderer for the server's render of a chat page (`#markdown-on-the-server`, package.json
 * `imports`): finished messages come as HTML, which the browser keeps (MarkdownIsland). The browser's bundle
 * resolves that import to `markdown-on-the-server.browser.ts` instead, so the page's scripts do not carry the
 * renderer (react-markdown, GFM, highlighting: ~200 kB) before it is interactive.
 */
export const SERVER_MARKDOWN: ComponentType<{ text: string; writing?: boolean }> | null = Markdown;
