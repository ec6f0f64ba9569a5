"use client";

import type { DynamicToolUIPart } from "ai";
import { toolDurationLabel } from "@/lib/client/run-progress";
import type { ToolMetadata } from "@/lib/shared/chat";
import { pretty, ToolOutput } from "./tool-output";

const STATE_LABEL: Record<DynamicToolUIPart["state"], string> = {
  "input-streaming": "preparing",
  "input-available": "running",
  "approval-requested": "waiting for approval",
  "approval-responded": "decided",
  "output-available": "done",
  "output-error": "failed",
  "output-denied": "denied",
};

export function toolMetadata(part: DynamicToolUIPart): Partial<ToolMetadata> {
  return (part.toolMetadata ?? {}) as Partial<ToolMetadata>;
}

const KIND_LABEL = { client: "ran in the app", hosted: "ran on the agent", mcp: "MCP" } as const;

/** A tool the agent called: name, where it ran, state and duration; arguments and output on demand. */
export function ToolCard({ part }: { part: DynamicToolUIPart }) {
  const running = part.state === "input-available" || part.state === "input-streaming";
  const meta = toolMetadata(part);
  const finished = part.state === "output-available" || part.state === "output-error";
  const duration = finished ? toolDurationLabel(meta) : null;
  return (
    <details
      data-tool-name={part.toolName}
      className="group rounded-md border border-zinc-200 bg-zinc-50 text-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      <summary className="flex cursor-pointer flex-wrap items-center gap-x-2 gap-y-0.5 px-3 py-2">
        <StateIcon running={running} failed={part.state === "output-error"} />
        <span className="min-w-0 break-all font-mono font-medium">{part.toolName}</span>
        {meta.serverLabel && (
          <span className="text-xs text-zinc-500 dark:text-zinc-400">on {meta.serverLabel}</span>
        )}
        <span className="ml-auto flex flex-wrap gap-x-2 text-xs text-zinc-500 dark:text-zinc-400">
          {meta.kind && <span>{KIND_LABEL[meta.kind]}</span>}
          <span>{STATE_LABEL[part.state]}</span>
          {duration && <span>· {duration}</span>}
        </span>
      </summary>
      <div className="space-y-2 border-t border-zinc-200 px-3 py-2 dark:border-zinc-800">
        <Section title="Arguments">
          <pre className="overflow-x-auto whitespace-pre-wrap break-words text-xs">{pretty(part.input)}</pre>
        </Section>
        {part.state === "output-available" && (
          <Section title="Output">
            <ToolOutput output={part.output} />
          </Section>
        )}
        {part.state === "output-error" && <p className="text-red-700 dark:text-red-400">{part.errorText}</p>}
      </div>
    </details>
  );
}

export function Section({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div>
      <div className="text-xs font-semibold uppercase text-zinc-500 dark:text-zinc-400">{title}</div>
      {children}
    </div>
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
  if (failed) {
    return (
      <span aria-hidden className="font-bold text-red-600">
        !
      </span>
    );
  }
  // Drawn, not "✓": a character the UI font may lack, and looking up a platform font that has it holds up the
  // page's first layout (see app/globals.css).
  // Marked as the app's own: the hostile-output test allows no other <svg> inside a message.
  return (
    <svg
      aria-hidden="true"
      data-ui-icon
      viewBox="0 0 12 12"
      className="size-3 flex-none text-green-700 dark:text-green-500"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M2 6.5l2.5 2.5L10 3" />
    </svg>
  );
}
