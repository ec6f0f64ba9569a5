"use client";

import { memo } from "react";
import type { ChatMessage } from "@/lib/shared/chat";
import { Markdown } from "./markdown";
import { ToolCard } from "./tool-card";

const OUTCOME_STYLE = {
  cancelled:
    "border-zinc-300 bg-zinc-50 text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300",
  incomplete:
    "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200",
  failed: "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200",
} as const;

function MessageParts({ message }: { message: ChatMessage }) {
  return message.parts.map((part, index) => {
    const key = `${message.id}-${index}`;
    switch (part.type) {
      case "text":
        return <Markdown key={key} text={part.text} />;
      case "reasoning":
        return (
          <details key={key} className="text-sm text-zinc-600 dark:text-zinc-400">
            <summary className="cursor-pointer">Reasoning</summary>
            <p className="mt-1 whitespace-pre-wrap">{part.text}</p>
          </details>
        );
      case "dynamic-tool":
        return <ToolCard key={key} part={part} />;
      case "source-url":
        return (
          <a
            key={key}
            href={part.url}
            target="_blank"
            rel="noopener noreferrer nofollow"
            className="block text-sm text-blue-700 underline dark:text-blue-400"
          >
            {part.title ?? part.url}
          </a>
        );
      case "data-run-outcome": {
        const style =
          part.data.status === "cancelled"
            ? OUTCOME_STYLE.cancelled
            : part.data.status === "incomplete"
              ? OUTCOME_STYLE.incomplete
              : OUTCOME_STYLE.failed;
        return (
          <div key={key} role="alert" className={`rounded-md border px-3 py-2 text-sm ${style}`}>
            {part.data.message}
          </div>
        );
      }
      case "data-upstream-item":
        return (
          <details key={key} className="rounded-md border border-zinc-200 text-sm dark:border-zinc-800">
            <summary className="cursor-pointer px-3 py-2 font-mono">{part.data.itemType}</summary>
            <pre className="overflow-x-auto whitespace-pre-wrap break-words px-3 pb-2 text-xs">
              {part.data.summary}
            </pre>
          </details>
        );
      default:
        return null;
    }
  });
}

/** One message. Memoised: while an answer streams, finished messages above it do not re-render. */
export const MessageView = memo(function MessageView({ message }: { message: ChatMessage }) {
  if (message.role === "user") {
    const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("\n");
    return (
      <div className="flex justify-end" data-role="user">
        <div className="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl bg-zinc-100 px-4 py-2 dark:bg-zinc-800">
          {text}
        </div>
      </div>
    );
  }
  return (
    <article className="space-y-3" data-role="assistant" aria-label="Assistant message">
      <MessageParts message={message} />
    </article>
  );
});
