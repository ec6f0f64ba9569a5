"use client";

import { type ReactNode, useRef } from "react";
import type { ExtraProps } from "react-markdown";
import { codeLanguage } from "./code-languages";
import { CopyButton } from "./copy-button";

/**
 * A fenced code block: its language and a Copy button above the code, which scrolls sideways inside the
 * message (lines never wrap, so code keeps its shape). Copy takes the text as shown, without the colours.
 */
export function CodeBlock({ node, children }: ExtraProps & { children?: ReactNode }) {
  const preRef = useRef<HTMLPreElement>(null);
  const code = node?.children.find((child) => child.type === "element" && child.tagName === "code");
  const language = code?.type === "element" ? codeLanguage(code.properties.className) : undefined;
  return (
    <div className="code-block" data-code-block>
      <div className="flex items-center justify-between gap-2 border-b border-zinc-200 px-3 py-1 dark:border-zinc-700">
        <span className="truncate font-mono text-xs text-zinc-600 dark:text-zinc-400">
          {language ?? "code"}
        </span>
        <CopyButton what="code" text={() => preRef.current?.textContent ?? ""} />
      </div>
      {/* Focusable: keyboard users can scroll a long line into view. */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <pre ref={preRef} tabIndex={0}>
        {children}
      </pre>
    </div>
  );
}
