"use client";

import { RETRYABLE_OUTCOMES, type RunOutcomeData } from "@/lib/shared/chat";

const STYLE = {
  quiet: "border-zinc-300 bg-zinc-50 text-zinc-700 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-300",
  warning:
    "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200",
  error: "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200",
} as const;

const styleOf = (status: RunOutcomeData["status"]) =>
  status === "cancelled" || status === "retried"
    ? STYLE.quiet
    : status === "incomplete"
      ? STYLE.warning
      : STYLE.error;

/**
 * How a run ended when it did not simply complete. On the last answer, Retry runs it again (the agent gets
 * the question and whatever was already shown).
 */
export function RunOutcomeNotice({ outcome, onRetry }: { outcome: RunOutcomeData; onRetry?: () => void }) {
  const retryable = onRetry && RETRYABLE_OUTCOMES.has(outcome.status);
  return (
    <div
      role={outcome.status === "retried" ? "note" : "alert"}
      data-run-outcome={outcome.status}
      className={`flex items-start justify-between gap-3 rounded-md border px-3 py-2 text-sm ${styleOf(outcome.status)}`}
    >
      <span className="min-w-0 break-words">{outcome.message}</span>
      {retryable && (
        <button
          type="button"
          onClick={onRetry}
          className="shrink-0 rounded-md border border-current px-2 py-0.5 font-medium hover:bg-white/50 focus-visible:outline-2 focus-visible:outline-offset-2 dark:hover:bg-black/20"
        >
          Retry
        </button>
      )}
    </div>
  );
}
