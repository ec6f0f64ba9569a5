"use client";

import { useEffect, useId, useRef } from "react";
import type { ChatSummary } from "@/lib/client/chat-list-store";

interface DeleteChatDialogProps {
  /** The chat to confirm; `null` keeps the dialog closed. */
  chat: ChatSummary | null;
  /** An answer is still being written in it: deleting stops it first, and the dialog says so. */
  live: boolean;
  onConfirm(chat: ChatSummary): void;
  onCancel(): void;
}

/**
 * "Delete this chat?" as a native modal dialog: focus moves to Cancel, Tab stays inside, Esc cancels and the
 * browser gives focus back to the Delete button that opened it.
 */
export function DeleteChatDialog({ chat, live, onConfirm, onCancel }: DeleteChatDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (chat && !dialog.open) {
      dialog.showModal();
      cancelRef.current?.focus();
    } else if (!chat && dialog.open) {
      dialog.close();
    }
  }, [chat]);

  return (
    <dialog
      ref={dialogRef}
      role="alertdialog"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      // Esc, or close() after a choice: either way nothing is pending any more.
      onClose={onCancel}
      className="m-auto w-[min(24rem,calc(100vw-2rem))] rounded-lg border border-zinc-200 bg-white p-4 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <h2 id={titleId} className="font-semibold">
        {live ? "Stop and delete this chat?" : "Delete this chat?"}
      </h2>
      <p id={descriptionId} className="mt-2 text-sm break-words text-zinc-600 dark:text-zinc-400">
        {live ? "An answer is still being written in it: it will be stopped first. " : ""}“{chat?.title}” and
        all its messages will be deleted. This cannot be undone.
      </p>
      <div className="mt-4 flex justify-end gap-2">
        <button
          ref={cancelRef}
          type="button"
          onClick={onCancel}
          className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-600 dark:hover:bg-zinc-800"
        >
          Cancel
        </button>
        <button
          type="button"
          onClick={() => chat && onConfirm(chat)}
          className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white hover:bg-red-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-600"
        >
          {live ? "Stop and delete" : "Delete"}
        </button>
      </div>
    </dialog>
  );
}
