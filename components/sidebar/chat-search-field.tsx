"use client";

import { useEffect, useRef, useState } from "react";
import { MAX_SEARCH_CHARS } from "@/lib/shared/chat-title";
import { CloseIcon, SearchIcon } from "./icons";

/** Typing pauses this long before the server is asked. */
const SEARCH_DEBOUNCE_MS = 250;

/**
 * The search field's text, shared by the column and the overlay (both can be mounted), and the search it leads
 * to once typing pauses; emptied, the whole list is back at once.
 */
export function useSearchText(onSearch: (query: string) => void): [string, (text: string) => void] {
  const [text, setText] = useState("");
  const search = useRef(onSearch);
  search.current = onSearch;
  useEffect(() => {
    const timer = setTimeout(() => search.current(text), text.trim() ? SEARCH_DEBOUNCE_MS : 0);
    return () => clearTimeout(timer);
  }, [text]);
  return [text, setText];
}

interface ChatSearchFieldProps {
  text: string;
  setText(text: string): void;
}

/** "Search chats": Esc or the clear button empties it and brings the whole list back. */
export function ChatSearchField({ text, setText }: ChatSearchFieldProps) {
  const inputRef = useRef<HTMLInputElement>(null);

  return (
    <search className="relative px-2 pb-1">
      <span className="pointer-events-none absolute top-1/2 left-4.5 -translate-y-1/2 text-zinc-500 dark:text-zinc-400">
        <SearchIcon />
      </span>
      <input
        ref={inputRef}
        type="text"
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key !== "Escape" || !text || event.nativeEvent.isComposing) return;
          // Clears the search; not a Stop of the run (the page's Esc) nor the close of the overlay.
          event.preventDefault();
          event.stopPropagation();
          setText("");
        }}
        aria-label="Search chats"
        aria-keyshortcuts="Escape"
        placeholder="Search chats"
        maxLength={MAX_SEARCH_CHARS}
        autoComplete="off"
        spellCheck={false}
        className="w-full rounded-md border border-zinc-300 bg-white py-1.5 pr-8 pl-8 text-sm placeholder:text-zinc-500 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-950 dark:placeholder:text-zinc-400"
      />
      {text && (
        <button
          type="button"
          aria-label="Clear search"
          onClick={() => {
            setText("");
            inputRef.current?.focus();
          }}
          className="absolute top-1/2 right-3 -translate-y-1/2 rounded p-1 text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-white"
        >
          <CloseIcon />
        </button>
      )}
    </search>
  );
}
