"use client";

import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { COMPOSER_INPUT_ID, focusComposerOnOpen } from "./composer-focus";
import { takeEarlyInput } from "./early-input-script";

interface ComposerProps {
  busy: boolean;
  onSend(text: string): void;
  onStop(): void;
  /** A sent message the server refused without storing it: put back in the box unless something new is there. */
  handedBack?: { text: string } | null;
}

/** The message box: Enter sends, Shift+Enter is a newline; while a run is in flight the button is Stop. */
export function Composer({ busy, onSend, onStop, handedBack }: ComposerProps) {
  const [text, setText] = useState("");
  const [early, setEarly] = useState<string | null>(null);

  useEffect(() => {
    if (handedBack) setText((current) => (current.trim() ? current : handedBack.text));
  }, [handedBack]);

  // What was typed before the page was ready is kept, and sent now if the person already pressed Enter.
  const ready = useRef({ busy, onSend });
  ready.current = { busy, onSend };
  useEffect(() => {
    // After the next frame: focus needs the page's style and layout, which in this task (the page's hydration)
    // would be computed synchronously, stretching it by tens of ms; after the frame they are already there.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(focusComposerOnOpen, 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, []);

  useEffect(() => {
    const kept = takeEarlyInput();
    if (!kept?.text) return;
    const trimmed = kept.text.trim();
    if (!kept.send || !trimmed) {
      setText(kept.text);
      return;
    }
    // After the parent's own effects: the chat is set up by then.
    const timer = setTimeout(() => {
      if (ready.current.busy) {
        setText(kept.text);
        setEarly("An answer is still being written: your message is in the box, send it when it is done.");
        return;
      }
      ready.current.onSend(trimmed);
    }, 0);
    return () => clearTimeout(timer);
  }, []);

  const send = () => {
    const trimmed = text.trim();
    if (!trimmed || busy) return;
    onSend(trimmed);
    setText("");
    setEarly(null);
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
      data-composer
      onSubmit={onSubmit}
      className="flex flex-wrap items-end gap-2 border-t border-zinc-200 p-3 dark:border-zinc-800"
    >
      {/* Shown by the early-input script's class when Enter comes before the page is ready. */}
      <p
        role="status"
        className="hidden basis-full text-sm text-zinc-600 dark:text-zinc-400 [.composer-early_&]:block"
      >
        Your message will be sent as soon as the page has loaded.
      </p>
      {early && (
        <p role="status" className="basis-full text-sm text-zinc-600 dark:text-zinc-400">
          {early}
        </p>
      )}
      <textarea
        id={COMPOSER_INPUT_ID}
        data-composer-input
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
