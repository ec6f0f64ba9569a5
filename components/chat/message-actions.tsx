"use client";

import type { ReactNode } from "react";
import { ACTION_BUTTON } from "./copy-button";

/** Ask the agent again: a new version of the answer `messageId`, the earlier ones kept. */
export type RegenerateFn = (messageId: string) => void;

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
