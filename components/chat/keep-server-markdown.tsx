"use client";

import type { ReactNode } from "react";
import { ServerRendersMarkdown } from "./deferred-markdown";

/**
 * For a page that opens with messages: the server renders their markdown, and the browser keeps that HTML as
 * it hydrates (MarkdownIsland), loading the renderer only once the page is interactive.
 */
export function KeepServerMarkdown({ children }: { children: ReactNode }) {
  return <ServerRendersMarkdown value>{children}</ServerRendersMarkdown>;
}
