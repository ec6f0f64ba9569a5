import type { MarkdownRenderer } from "./markdown-island";

/** In the browser there is no server render: see markdown-on-the-server.ts. */
export const SERVER_MARKDOWN: MarkdownRenderer | null = null;
