"use client";

import type { ReactNode } from "react";
import { PageMarkdown } from "./deferred-markdown";
import { Markdown } from "./markdown";

/**
 * For a page that opens with messages: the markdown renderer loads with the page's scripts, and every message
 * renders with it directly (see `PageMarkdown`), on the server and while hydrating alike.
 */
export function MarkdownWithThePage({ children }: { children: ReactNode }) {
  return <PageMarkdown value={Markdown}>{children}</PageMarkdown>;
}
