"use client";

import { type FormEvent, type KeyboardEvent, useState } from "react";

interface ComposerProps {
  busy: boolean;
  onSend(text: string): void;
  onStop(): void;
}

/** The message box: Enter sends, Shift+Enter is a newline; while a run is in flight the button is Stop. */
export function Composer({ busy, onSend, onStop }: ComposerProps) {
  const [text, setText] = useState("");

  const send = () => {
    const trimmed = text.trim();
    if (!trimmed || busy) return;
    onSend(trimmed);
    setText("");
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    send();
  };

  return (
    <form
      onSubmit={onSubmit}
      className="flex items-end gap-2 border-t border-zinc-200 p-3 dark:border-zinc-800"
    >
      <textarea
        aria-label="Message"
        placeholder="Ask the agent… (Enter to send, Shift+Enter for a new line)"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        rows={2}
        className="max-h-48 min-h-[2.75rem] flex-1 resize-y rounded-md border border-zinc-300 bg-white px-3 py-2 focus-visible:outline-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900"
      />
      {busy ? (
        <button
          type="button"
          onClick={onStop}
          title="Stop the run (Esc)"
          aria-keyshortcuts="Escape"
          className="rounded-md bg-zinc-800 px-4 py-2 font-medium text-white hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 dark:bg-zinc-200 dark:text-zinc-900"
        >
          Stop
        </button>
      ) : (
        <button
          type="submit"
          disabled={!text.trim()}
          className="rounded-md bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-600 focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50"
        >
          Send
        </button>
      )}
    </form>
  );
}
