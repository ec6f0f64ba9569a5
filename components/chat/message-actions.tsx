"use client";

import type { ReactNode } from "react";

/** Ask the agent again: a new version of the answer `messageId`, the earlier ones kept. */
export type RegenerateFn = (messageId: string) => void;

export const ACTION_BUTTON =
  "inline-flex min-h-8 items-center rounded-md px-2.5 py-1 text-sm font-medium text-zinc-700 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600 dark:text-zinc-300 dark:hover:bg-zinc-700";

/** The row under an answer: its version switcher, Copy, and Regenerate (when nothing is running). */
export function AnswerActions({
  messageId,
  switcher,
  copy,
  onRegenerate,
}: {
  messageId: string;
  switcher?: ReactNode;
  copy?: ReactNode;
  onRegenerate?: RegenerateFn;
}) {
  if (!switcher && !copy && !onRegenerate) return null;
  return (
    <div className="flex flex-wrap items-center gap-1 text-zinc-600 dark:text-zinc-400" data-message-actions>
      {switcher}
      {copy}
      {onRegenerate && (
        <button type="button" onClick={() => onRegenerate(messageId)} className={ACTION_BUTTON}>
          Regenerate
          <span className="sr-only"> answer</span>
        </button>
      )}
    </div>
  );
}
