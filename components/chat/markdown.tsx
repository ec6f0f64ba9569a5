"use client";

import { Fragment, memo } from "react";
import ReactMarkdown, { type Components, defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";
import { markdownBlocks } from "./markdown-blocks";
import { capNesting } from "./nesting";

/**
 * Model output is untrusted. react-markdown builds React elements (no innerHTML); raw HTML in the text is
 * dropped (`skipHtml`), and every URL goes through a transform that only lets http(s), mailto and relative
 * links through, so `javascript:` and `data:` links render inert. Nesting is capped (`capNesting`) so a
 * 200-deep list cannot stall the page.
 */
function safeUrl(url: string): string {
  const cleaned = defaultUrlTransform(url);
  if (!cleaned) return "";
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(cleaned)?.[1]?.toLowerCase();
  return !scheme || scheme === "http" || scheme === "https" || scheme === "mailto" ? cleaned : "";
}

const REMARK_PLUGINS = [remarkGfm];
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
};

/** One top-level block. Memoised on its text: while an answer streams, only its growing last block re-parses. */
const MarkdownBlock = memo(function MarkdownBlock({ text }: { text: string }) {
  return (
    <ReactMarkdown remarkPlugins={REMARK_PLUGINS} skipHtml urlTransform={safeUrl} components={COMPONENTS}>
      {text}
    </ReactMarkdown>
  );
});

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
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
