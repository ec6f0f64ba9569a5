"use client";

import dynamic from "next/dynamic";
import { type ComponentType, createContext, memo, Suspense, useContext } from "react";

type MarkdownProps = { text: string; writing?: boolean };

/**
 * The markdown renderer (react-markdown, GFM, syntax highlighting: ~200 kB of script) is its own chunk: a new
 * chat does not load it before it is interactive, and sending a question loads it while the agent works
 * (`preloadMarkdown`).
 */
const loadMarkdown = () => import("./markdown");
const LoadedMarkdown = dynamic(() => loadMarkdown().then((module) => module.Markdown));

export function preloadMarkdown(): void {
  void loadMarkdown();
}

/**
 * The renderer itself, when the page loaded it with its own scripts (`MarkdownWithThePage`, on a chat page
 * whose messages the server renders). Those messages must not sit in a Suspense boundary each: past the
 * first ~12 kB of a page, React streams every boundary's content apart from the page and shows its fallback
 * (here the raw text) until a script moves the content in, up to half a second after the first paint.
 */
export const PageMarkdown = createContext<ComponentType<MarkdownProps> | null>(null);

/**
 * Markdown as text, rendered as markdown once the renderer has loaded; until then (a moment, the first time an
 * answer comes in on a new chat) the text as it is, as inert as the rendered form. Memoised: while the page
 * hydrates, a boundary still waiting for the renderer must not be rendered again (an update would make React
 * give up its server HTML and show the fallback).
 */
export const Markdown = memo(function Markdown({ text, writing = false }: MarkdownProps) {
  const WithThePage = useContext(PageMarkdown);
  if (WithThePage) return <WithThePage text={text} writing={writing} />;
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
