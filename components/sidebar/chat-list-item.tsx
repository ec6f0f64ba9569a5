"use client";

import Link from "next/link";
import { useId } from "react";
import type { ChatSummary } from "@/lib/client/chat-list-store";
import { TrashIcon } from "./icons";

interface ChatListItemProps {
  chat: ChatSummary;
  current: boolean;
  /** A run is going on: the server says so, or this tab is streaming one. */
  live: boolean;
  deleting: boolean;
  /** Why the last delete failed, shown under the item until the next attempt. */
  error?: string;
  onNavigate(): void;
  onAskDelete(chat: ChatSummary): void;
}

/** One chat in the history: a link to it (title, a spinner while a run goes on) and its Delete button. */
export function ChatListItem({
  chat,
  current,
  live,
  deleting,
  error,
  onNavigate,
  onAskDelete,
}: ChatListItemProps) {
  const errorId = useId();
  return (
    <li data-chat-id={chat.id}>
      <div
        className={`group flex items-center rounded-md ${
          current
            ? "bg-zinc-200 text-zinc-950 dark:bg-zinc-800 dark:text-white"
            : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-900"
        } ${deleting ? "opacity-60" : ""}`}
      >
        <Link
          href={`/chat/${chat.id}`}
          prefetch={false}
          aria-current={current ? "page" : undefined}
          title={chat.title}
          onClick={onNavigate}
          className={`flex min-w-0 flex-1 items-center gap-2 rounded-md py-2 pr-1 pl-3 text-sm focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-blue-600 ${
            current ? "font-medium" : ""
          }`}
        >
          <span className="min-w-0 flex-1 truncate">{chat.title}</span>
          {live && <Spinner />}
        </Link>
        <button
          type="button"
          aria-label={`Delete chat "${chat.title}"`}
          aria-describedby={error ? errorId : undefined}
          disabled={deleting}
          onClick={() => onAskDelete(chat)}
          className="mr-1 shrink-0 rounded p-1.5 text-zinc-500 hover:bg-zinc-300/60 hover:text-red-700 focus-visible:outline-2 focus-visible:outline-blue-600 disabled:cursor-wait md:opacity-60 md:group-hover:opacity-100 md:focus-visible:opacity-100 dark:text-zinc-400 dark:hover:bg-zinc-700/60 dark:hover:text-red-400"
        >
          <TrashIcon />
        </button>
      </div>
      {error && (
        <p id={errorId} role="alert" className="px-3 pt-0.5 pb-1.5 text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </li>
  );
}

function Spinner() {
  return (
    <svg
      role="img"
      aria-label="running"
      viewBox="0 0 16 16"
      className="size-3.5 shrink-0 animate-spin text-blue-600 motion-reduce:animate-none dark:text-blue-400"
    >
      <title>running</title>
      <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeOpacity="0.25" strokeWidth="2.5" />
      <path
        d="M8 2a6 6 0 0 1 6 6"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.5"
        strokeLinecap="round"
      />
    </svg>
  );
}
