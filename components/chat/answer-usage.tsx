"use client";

import type { ChatMessage } from "@/lib/shared/chat";
import { describeTokens, usageOf, usageSummary } from "@/lib/shared/usage-text";

const LINE = "text-xs text-zinc-600 dark:text-zinc-400";

/**
 * Under a finished answer: what it took (run time, cycles, tool calls, tokens), from the usage stored with it.
 * The token details open on demand; an upstream that reported no usage gets no word about tokens at all.
 */
export function AnswerUsage({ message }: { message: ChatMessage }) {
  const usage = usageOf(message);
  if (!usage) return null;
  const summary = (
    <>
      <span className="sr-only">Usage: </span>
      {usageSummary(usage)}
    </>
  );
  if (!usage.tokens) {
    return (
      <p className={LINE} data-answer-usage>
        {summary}
      </p>
    );
  }
  return (
    <details className={LINE} data-answer-usage>
      <summary className="cursor-pointer w-fit">{summary}</summary>
      <p className="mt-1" data-answer-tokens>
        Tokens: {describeTokens(usage.tokens)}
      </p>
    </details>
  );
}
