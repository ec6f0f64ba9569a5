"use client";

import dynamic from "next/dynamic";
import { memo, Suspense } from "react";

/**
 * The markdown renderer (react-markdown, GFM, syntax highlighting: ~200 kB of script) is its own chunk: a new
 * chat does not load it before it is interactive. A page the server rendered with messages gets it preloaded
 * (next/dynamic), and sending a question loads it while the agent works (`preloadMarkdown`).
 */
const loadMarkdown = () => import("./markdown");
const LoadedMarkdown = dynamic(() => loadMarkdown().then((module) => module.Markdown));

export function preloadMarkdown(): void {
  void loadMarkdown();
}

/**
 * Markdown as text, rendered as markdown once the renderer has loaded; until then (a moment, the first time an
 * answer comes in on a new chat) the text as it is, as inert as the rendered form. Memoised: while the page
 * hydrates, a boundary still waiting for the renderer must not be rendered again (an update would make React
 * give up its server HTML and show the fallback).
 */
export const Markdown = memo(function Markdown({
  text,
  writing = false,
}: {
  text: string;
  writing?: boolean;
}) {
  return (
    <Suspense
      fallback={
        <div className="markdown whitespace-pre-wrap" data-writing={writing || undefined}>
          {text}
        </div>
      }
    >
      <LoadedMarkdown text={text} writing={writing} />
    </Suspense>
  );
});
