"use client";

import { Fragment, memo } from "react";
import ReactMarkdown, { type Components, defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";
import { CodeBlock } from "./code-block";
import { rehypeHighlightCode } from "./highlight-code";
import { markdownBlocks } from "./markdown-blocks";
import { markdownRootProps } from "./markdown-root";
import { capNesting } from "./nesting";
import { tableLabel } from "./table-label";

/**
 * Model output is untrusted. react-markdown builds React elements (no innerHTML); raw HTML in the text is
 * dropped (`skipHtml`), and every URL goes through a transform that only lets http(s), mailto and relative
 * links through, so `javascript:` and `data:` links render inert; the links left open in a new tab without
 * access to this one. Nesting is capped (`capNesting`) so a 200-deep list cannot stall the page. Code
 * highlighting only wraps the code's own text in class-named spans: it adds no markup of the model's.
 */
function safeUrl(url: string): string {
  const cleaned = defaultUrlTransform(url);
  if (!cleaned) return "";
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned)?.[1]?.toLowerCase();
  return !scheme || scheme === "http" || scheme === "https" || scheme === "mailto" ? cleaned : "";
}

const REMARK_PLUGINS = [remarkGfm];
const REHYPE_PLUGINS = [rehypeHighlightCode];
const COMPONENTS: Components = {
  a: ({ href, children }) =>
    href ? (
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  img: ({ alt }) => <span>{alt ? `[image: ${alt}]` : "[image]"}</span>,
  pre: CodeBlock,
  // A wide table scrolls inside the message instead of widening the page; focusable so keyboards can scroll it.
  table: ({ children, node }) => (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="table-scroll" tabIndex={0} aria-label={tableLabel(node)}>
      <table>{children}</table>
    </section>
  ),
};

/**
 * One top-level block. Memoised on its text: while an answer streams, only its growing last block re-parses
 * (and is highlighted again, when it is code).
 */
const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }) {
  return (
    <ReactMarkdown
      remarkPlugins={REMARK_PLUGINS}
      rehypePlugins={REHYPE_PLUGINS}
      skipHtml
      urlTransform={safeUrl}
      components={COMPONENTS}
    >
      {text}
    </ReactMarkdown>
  );
});

export const Markdown = memo(function Markdown({
  text,
  writing = false,
}: {
  text: string;
  /** Still being written: the conversation keeps a new long answer's start in view (follow-bottom.ts). */
  writing?: boolean;
}) {
  return (
    <div {...markdownRootProps(writing)}>
      {markdownBlocks(capNesting(text)).map((block, index) => (
        // By position: a growing answer only ever changes its last block (or adds new ones after it). The
        // newline between blocks is the one react-markdown puts between top-level elements of a whole text,
        // so the page's text (copy, find, screen readers) is the same as before the split.
        // biome-ignore lint/suspicious/noArrayIndexKey: blocks are positional; the text is the memo key
        <Fragment key={index}>
          {index > 0 && "\n"}
          <MarkdownBlock text={block} />
        </Fragment>
      ))}
    </div>
  );
});
