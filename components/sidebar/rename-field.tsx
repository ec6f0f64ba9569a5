"use client";

import { type KeyboardEvent, useEffect, useRef } from "react";
import { MAX_TITLE_CHARS } from "@/lib/shared/chat-title";

interface RenameFieldProps {
  title: string;
  /** Id of the row's error message, when there is one. */
  errorId?: string;
  /**
   * Enter or leaving the field: the text as typed (checked by the caller, false when refused: Enter then
   * leaves the field open to correct). `viaKeyboard`: focus goes back to the row.
   */
  onSave(text: string, viaKeyboard: boolean): boolean;
  onCancel(): void;
}

/**
 * A chat's title as a text field, in place of its link: Enter saves, Esc cancels, leaving the field saves.
 * The field starts with the whole title selected, so typing replaces it.
 */
export function RenameField({ title, errorId, onSave, onCancel }: RenameFieldProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  /** Set once Enter or Esc decided, so the blur that follows does not save a second time. */
  const done = useRef(false);

  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === "Enter") {
      event.preventDefault();
      done.current = onSave(event.currentTarget.value, true);
    } else if (event.key === "Escape") {
      // Handled here: not a Stop of the run (the page's Esc) nor the close of the overlay it sits in.
      event.preventDefault();
      event.stopPropagation();
      done.current = true;
      onCancel();
    }
  };

  return (
    <input
      ref={inputRef}
      type="text"
      defaultValue={title}
      aria-label="Chat title"
      aria-describedby={errorId}
      aria-invalid={errorId ? true : undefined}
      // Room past the limit, so a long paste is refused with a message rather than cut without one.
      maxLength={MAX_TITLE_CHARS * 5}
      enterKeyHint="done"
      onKeyDown={onKeyDown}
      onBlur={(event) => {
        if (done.current) return;
        done.current = true;
        onSave(event.currentTarget.value, false);
      }}
      className="min-w-0 flex-1 rounded-md border border-blue-600 bg-white px-2 py-1.5 text-sm text-zinc-900 outline-none focus-visible:outline-2 focus-visible:outline-offset-0 focus-visible:outline-blue-600 dark:bg-zinc-950 dark:text-zinc-100"
    />
  );
}
