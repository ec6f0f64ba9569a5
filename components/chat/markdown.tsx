"use client";

import { memo } from "react";
import ReactMarkdown, { defaultUrlTransform } from "react-markdown";
import remarkGfm from "remark-gfm";
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

export const Markdown = memo(function Markdown({ text }: { text: string }) {
  return (
    <div className="markdown">
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        skipHtml
        urlTransform={safeUrl}
        components={{
          a: ({ href, children }) =>
            href ? (
              <a href={href} target="_blank" rel="noopener noreferrer nofollow">
                {children}
              </a>
            ) : (
              <span>{children}</span>
            ),
          img: ({ alt }) => <span>{alt ? `[image: ${alt}]` : "[image]"}</span>,
        }}
      >
        {capNesting(text)}
      </ReactMarkdown>
    </div>
  );
});
