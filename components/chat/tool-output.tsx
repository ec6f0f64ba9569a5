"use client";

import { useState } from "react";
import { Markdown } from "./deferred-markdown";

const FOLD_CHARS = 1200;
const FOLD_LINES = 16;

export function pretty(value: unknown): string {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** Cut long text at a line boundary near the fold. */
function fold(text: string): string {
  const lines = text.split("\n").slice(0, FOLD_LINES).join("\n");
  return lines.length > FOLD_CHARS ? `${lines.slice(0, FOLD_CHARS)}…` : lines;
}

/**
 * A tool's output: text (often a markdown table from Genie) rendered as markdown, structured output as
 * pretty JSON, and anything long folded behind "Show more".
 */
export function ToolOutput({ output }: { output: unknown }) {
  const [expanded, setExpanded] = useState(false);
  const asMarkdown = typeof output === "string" && !isJsonText(output);
  const text = asMarkdown ? (output as string) : pretty(output);
  const long = text.length > FOLD_CHARS || text.split("\n").length > FOLD_LINES;
  const shown = long && !expanded ? fold(text) : text;
  return (
    <div>
      {asMarkdown ? (
        <div className="overflow-x-auto text-sm">
          <Markdown text={shown} />
        </div>
      ) : (
        <pre className="overflow-x-auto whitespace-pre-wrap break-words text-xs">{shown}</pre>
      )}
      {long && (
        <button
          type="button"
          onClick={() => setExpanded((value) => !value)}
          aria-expanded={expanded}
          className="mt-1 text-xs font-medium text-blue-700 underline dark:text-blue-400"
        >
          {expanded ? "Show less" : "Show more"}
        </button>
      )}
    </div>
  );
}
