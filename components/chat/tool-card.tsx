"use client";

import type { DynamicToolUIPart } from "ai";
import { Markdown } from "./markdown";

const STATE_LABEL: Record<DynamicToolUIPart["state"], string> = {
  "input-streaming": "preparing",
  "input-available": "running",
  "approval-requested": "waiting for approval",
  "approval-responded": "decided",
  "output-available": "done",
  "output-error": "failed",
  "output-denied": "denied",
};

function pretty(value: unknown): string {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** A tool the agent called upstream: its name and state, arguments and output on demand. */
export function ToolCard({ part }: { part: DynamicToolUIPart }) {
  const running = part.state === "input-available" || part.state === "input-streaming";
  return (
    <details
      data-tool-name={part.toolName}
      className="group rounded-md border border-zinc-200 bg-zinc-50 text-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      <summary className="flex cursor-pointer items-center gap-2 px-3 py-2">
        <StateIcon running={running} failed={part.state === "output-error"} />
        <span className="font-mono font-medium">{part.toolName}</span>
        <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400">{STATE_LABEL[part.state]}</span>
      </summary>
      <div className="space-y-2 border-t border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <div>
          <div className="text-xs font-semibold uppercase text-zinc-500">Arguments</div>
          <pre className="overflow-x-auto whitespace-pre-wrap break-words text-xs">{pretty(part.input)}</pre>
        </div>
        {part.state === "output-available" && (
          <div>
            <div className="text-xs font-semibold uppercase text-zinc-500">Output</div>
            <ToolOutput output={part.output} />
          </div>
        )}
        {part.state === "output-error" && <p className="text-red-700 dark:text-red-400">{part.errorText}</p>}
      </div>
    </details>
  );
}

/** Text output (often a markdown table from Genie) reads best rendered; structured output as JSON. */
function ToolOutput({ output }: { output: unknown }) {
  if (typeof output === "string") {
    let isJson = false;
    try {
      JSON.parse(output);
      isJson = true;
    } catch {
      // plain text or markdown
    }
    if (!isJson) {
      return (
        <div className="max-h-80 overflow-auto text-sm">
          <Markdown text={output} />
        </div>
      );
    }
  }
  return (
    <pre className="max-h-80 overflow-auto whitespace-pre-wrap break-words text-xs">{pretty(output)}</pre>
  );
}

function StateIcon({ running, failed }: { running: boolean; failed: boolean }) {
  if (running) {
    return (
      <span
        aria-hidden
        className="inline-block size-3 animate-spin rounded-full border-2 border-zinc-400 border-t-transparent"
      />
    );
  }
  return (
    <span aria-hidden className={failed ? "font-bold text-red-600" : "text-green-700 dark:text-green-500"}>
      {failed ? "!" : "✓"}
    </span>
  );
}
