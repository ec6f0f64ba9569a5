"use client";

import { type KeyboardEvent, type ReactNode, useEffect, useRef, useState } from "react";
import { ACTION_BUTTON } from "./copy-button";

/** Ask the user message `messageId` again as `text`: a new version, the earlier one kept. */
export type EditFn = (messageId: string, text: string) => void;

/**
 * One of the person's messages. Edit (shown on hover and on focus, always reachable by keyboard) turns it into
 * a box: Enter or "Save & send" sends the new text as a new version, Shift+Enter adds a line, Esc or Cancel
 * leaves it as it was. Without `onEdit` (a run is in progress) there is no Edit.
 */
export function UserMessage({
  messageId,
  text,
  switcher,
  onEdit,
}: {
  messageId: string;
  text: string;
  switcher?: ReactNode;
  onEdit?: EditFn;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  const editButton = useRef<HTMLButtonElement>(null);
  const editing = draft !== null && onEdit !== undefined;

  useEffect(() => {
    if (editing) box.current?.focus();
  }, [editing]);

  const cancel = () => {
    setDraft(null);
    // Back where the person was: on the Edit button of this message.
    requestAnimationFrame(() => editButton.current?.focus());
  };
  const send = () => {
    const trimmed = draft?.trim();
    if (!trimmed || !onEdit) return;
    setDraft(null);
    onEdit(messageId, trimmed);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      cancel();
    } else if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  };

  if (editing) {
    return (
      <form
        className="ml-auto flex w-full max-w-[85%] flex-col gap-2"
        data-user-message
        data-editing
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <textarea
          ref={box}
          aria-label="Edit your message"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          onKeyDown={onKeyDown}
          rows={Math.min(8, Math.max(2, draft.split("\n").length))}
          className="w-full resize-y rounded-2xl border border-zinc-300 bg-white px-4 py-2 focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900"
        />
        <div className="flex justify-end gap-2">
          <button
            type="button"
            onClick={cancel}
            className="rounded-md px-3 py-1 text-sm font-medium text-zinc-700 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:text-zinc-300 dark:hover:bg-zinc-700"
          >
            Cancel
          </button>
          <button
            type="submit"
            disabled={!draft.trim()}
            className="rounded-md bg-blue-700 px-3 py-1 text-sm font-medium text-white hover:bg-blue-600 focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50"
          >
            Save &amp; send
          </button>
        </div>
      </form>
    );
  }

  return (
    <div className="group flex flex-col items-end gap-1" data-user-message>
      <div
        className="max-w-[85%] whitespace-pre-wrap break-words rounded-2xl bg-zinc-100 px-4 py-2 dark:bg-zinc-800"
        data-role="user"
      >
        {text}
      </div>
      {(switcher || onEdit) && (
        <div className="flex items-center gap-1 text-zinc-600 dark:text-zinc-400">
          {switcher}
          {onEdit && (
            <button
              ref={editButton}
              type="button"
              onClick={() => setDraft(text)}
              className={`${ACTION_BUTTON} reveal-on-hover`}
            >
              Edit
              <span className="sr-only"> message</span>
            </button>
          )}
        </div>
      )}
    </div>
  );
}
