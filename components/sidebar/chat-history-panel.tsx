"use client";

import { type KeyboardEvent, useId } from "react";
import { NEW_CHAT_ARIA_SHORTCUTS, NEW_CHAT_SHORTCUT_LABEL } from "@/components/chat/new-chat-shortcut";
import { groupChats } from "@/lib/client/chat-dates";
import type { ChatSearch, ChatSearchResult, ChatSummary } from "@/lib/client/chat-list-store";
import { ChatListItem } from "./chat-list-item";
import { ChatSearchField } from "./chat-search-field";
import { CloseIcon, PlusIcon } from "./icons";
import { useNow } from "./use-now";

export interface ChatHistoryPanelProps {
  chats: ChatSummary[];
  status: "loading" | "ready" | "error";
  loadError?: string;
  onRetry(): void;
  search?: ChatSearch;
  searchText: string;
  setSearchText(text: string): void;
  currentId?: string;
  isLive(chat: ChatSummary): boolean;
  deleting: ReadonlySet<string>;
  /** The chat whose title is a text field, if any. */
  renaming?: string;
  errors: Readonly<Record<string, string>>;
  onNavigate(): void;
  onAskDelete(chat: ChatSummary): void;
  onStartRename(chat: ChatSummary): void;
  /** False when the title is refused (the row says why). */
  onRename(chat: ChatSummary, text: string, viaKeyboard: boolean): boolean;
  onCancelRename(chat: ChatSummary): void;
  /** Shown as a close button when the panel is the narrow-screen overlay. */
  onClose?: () => void;
}

const MUTED = "px-2 py-1 text-sm text-zinc-600 dark:text-zinc-400";

/**
 * "New chat", the search field, then the chats (or the search's matches) under Today, Yesterday, Previous 7 days
 * and Older. Each row is one Tab stop; Up and Down (Home, End) move between rows.
 */
export function ChatHistoryPanel(props: ChatHistoryPanelProps) {
  const { chats, status, loadError, search, onClose } = props;
  const hintId = useId();
  const now = useNow();
  const shown: ChatSearchResult[] = search ? (search.results ?? []) : chats;
  const groups = groupChats(shown, now);

  return (
    <nav aria-label="Chat history" className="flex min-h-0 w-full flex-col">
      <div className="flex items-center gap-2 p-2">
        {/* A full navigation, not a client transition: a new chat starts from a clean page. */}
        <a
          href="/"
          data-new-chat
          title={`New chat (${NEW_CHAT_SHORTCUT_LABEL})`}
          aria-keyshortcuts={NEW_CHAT_ARIA_SHORTCUTS}
          className="flex flex-1 items-center gap-2 rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm font-medium hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800"
        >
          <PlusIcon />
          New chat
        </a>
        {onClose && (
          <button
            type="button"
            aria-label="Close chat history"
            onClick={onClose}
            className="rounded-md p-2 text-zinc-600 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-blue-600 dark:text-zinc-300 dark:hover:bg-zinc-800"
          >
            <CloseIcon />
          </button>
        )}
      </div>
      <ChatSearchField text={props.searchText} setText={props.setSearchText} />
      <h2 className="sr-only">{search ? "Matching chats" : "Chats"}</h2>
      {/* The hint every row's link points to (aria-describedby): the keys the row answers to. */}
      <p id={hintId} className="sr-only">
        F2 renames the chat, Delete deletes it, arrow keys move between chats.
      </p>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys from the row links inside bubble here */}
      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-2" onKeyDown={moveBetweenRows}>
        {loadError && !search && (
          <div role="alert" className="mx-2 mb-2 text-xs text-red-700 dark:text-red-400">
            {loadError}{" "}
            <button
              type="button"
              onClick={props.onRetry}
              className="rounded-sm underline focus-visible:outline-2 focus-visible:outline-blue-600"
            >
              Retry
            </button>
          </div>
        )}
        {/* Only while searching: "Searching…" first, then the count, which the live region then announces. */}
        {search && (
          <p role="status" className={MUTED}>
            {searchStatus(search)}
          </p>
        )}
        {!search && status !== "ready" && chats.length === 0 && !loadError && (
          <p className={MUTED}>Loading…</p>
        )}
        {!search && status === "ready" && chats.length === 0 && <p className={MUTED}>No chats yet</p>}
        {groups.map((group) => (
          <section key={group.label} aria-labelledby={`${hintId}-${group.label}`} className="pb-1">
            <h3
              id={`${hintId}-${group.label}`}
              className="px-2 pt-2 pb-1 text-xs font-medium tracking-wide text-zinc-600 dark:text-zinc-400"
            >
              {group.label}
            </h3>
            <ul className="flex flex-col gap-0.5">
              {group.chats.map((chat) => (
                <ChatListItem
                  key={chat.id}
                  chat={chat}
                  current={chat.id === props.currentId}
                  live={props.isLive(chat)}
                  deleting={props.deleting.has(chat.id)}
                  renaming={props.renaming === chat.id}
                  error={props.errors[chat.id]}
                  now={now}
                  hintId={hintId}
                  onNavigate={props.onNavigate}
                  onAskDelete={props.onAskDelete}
                  onStartRename={props.onStartRename}
                  onRename={props.onRename}
                  onCancelRename={props.onCancelRename}
                />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </nav>
  );
}

/** What the live region says about the search. */
function searchStatus(search: ChatSearch): string {
  if (search.error) return search.error;
  if (!search.results) return "Searching…";
  const count = search.results.length;
  if (count === 0) return "No chats match";
  return count === 1 ? "1 chat matches" : `${count} chats match`;
}

/** Up, Down, Home and End on a row's link move focus to another row's link. */
function moveBetweenRows(event: KeyboardEvent<HTMLElement>) {
  const target = event.target as HTMLElement;
  if (!target.matches("[data-chat-link]") || event.altKey || event.ctrlKey || event.metaKey) return;
  const links = [...event.currentTarget.querySelectorAll<HTMLElement>("[data-chat-link]")];
  const at = links.indexOf(target);
  const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: links.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  links[Math.min(Math.max(next, 0), links.length - 1)]?.focus();
}
