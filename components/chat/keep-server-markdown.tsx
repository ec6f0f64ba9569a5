"use client";

import { type ReactNode, useEffect, useState } from "react";
import { ServerRendersMarkdown } from "./deferred-markdown";
import { useHydrating } from "./use-hydrating";

/**
 * For a page that opens with messages: the server renders their markdown, and the browser keeps that HTML as
 * it hydrates (MarkdownIsland), loading the renderer only once the page is interactive. Messages that mount
 * later (the earlier ones added above, new answers), or on a page reached without a server render, are
 * rendered in the browser.
 */
export function KeepServerMarkdown({ children }: { children: ReactNode }) {
  const hydrating = useHydrating();
  const [page] = useState(() => ({ hydrating }));
  // After the hydration's commit (children's effects run first).
  useEffect(() => {
    page.hydrating = false;
  }, [page]);
  return <ServerRendersMarkdown value={page}>{children}</ServerRendersMarkdown>;
}
