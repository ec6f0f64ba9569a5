"use client";

import Link from "next/link";
import { type KeyboardEvent, useId } from "react";
import { fullDateTime, relativeTime } from "@/lib/client/chat-dates";
import type { ChatSearchResult } from "@/lib/client/chat-list-store";
import { PencilIcon, TrashIcon } from "./icons";
import { RenameField } from "./rename-field";

/** The keys a focused row answers to (announced on the row's link, explained in the list's hint). */
export const ROW_SHORTCUTS = "F2 Delete";

interface ChatListItemProps {
  chat: ChatSearchResult;
  current: boolean;
  /** A run is going on: the server says so, or this tab is streaming one. */
  live: boolean;
  deleting: boolean;
  /** The title is a text field. */
  renaming: boolean;
  /** Why the last delete or rename failed, shown under the item until the next attempt. */
  error?: string;
  /** Now, for the relative time (the list re-renders every minute). */
  now: number;
  /** Id of the hint that explains the row's keys. */
  hintId: string;
  onNavigate(): void;
  onAskDelete(chat: ChatSearchResult): void;
  onStartRename(chat: ChatSearchResult): void;
  onRename(chat: ChatSearchResult, text: string, viaKeyboard: boolean): boolean;
  onCancelRename(chat: ChatSearchResult): void;
}

/**
 * One chat in the history: a link to it (title, when it was last active, its state: a spinner while a run goes
 * on, or a mark when it waits for an approval, failed, or has an answer its person has not seen; and the matching
 * text of a search), with Rename and Delete. The link is the row's one Tab stop: the buttons are
 * for the pointer, and from the keyboard F2 renames and Delete deletes the focused row.
 */
export function ChatListItem(props: ChatListItemProps) {
  const { chat, current, live, deleting, renaming, error, now } = props;
  const errorId = useId();
  // The chat on screen is being seen: its answer is not new to anyone.
  const unread = !!chat.unread && !current;

  const onLinkKeyDown = (event: KeyboardEvent<HTMLAnchorElement>) => {
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.key === "F2") {
      event.preventDefault();
      props.onStartRename(chat);
    } else if (event.key === "Delete" && !deleting) {
      event.preventDefault();
      props.onAskDelete(chat);
    }
  };

  return (
    <li data-chat-id={chat.id}>
      <div
        className={`group relative flex items-center rounded-md ${
          current
            ? "bg-zinc-200 text-zinc-950 dark:bg-zinc-800 dark:text-white"
            : "text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-900"
        } ${deleting ? "opacity-60" : ""}`}
      >
        {renaming ? (
          <div className="flex min-w-0 flex-1 py-0.5 pl-1">
            <RenameField
              title={chat.title}
              errorId={error ? errorId : undefined}
              onSave={(text, viaKeyboard) => props.onRename(chat, text, viaKeyboard)}
              onCancel={() => props.onCancelRename(chat)}
            />
          </div>
        ) : (
          <Link
            href={`/chat/${chat.id}`}
            prefetch={false}
            data-chat-link
            aria-current={current ? "page" : undefined}
            aria-keyshortcuts={ROW_SHORTCUTS}
            aria-describedby={error ? `${props.hintId} ${errorId}` : props.hintId}
            title={chat.title}
            onClick={props.onNavigate}
            onKeyDown={onLinkKeyDown}
            className={`flex min-w-0 flex-1 flex-col rounded-md py-1.5 pr-1 pl-3 text-sm md:pr-3 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-blue-600 ${
              current ? "font-medium" : ""
            }`}
          >
            <span className="flex min-w-0 items-center gap-2">
              <span className={`min-w-0 flex-1 truncate ${unread ? "font-semibold" : ""}`}>{chat.title}</span>
              {live ? (
                <Spinner />
              ) : chat.awaitingApproval ? (
                <ApprovalMark />
              ) : chat.failed ? (
                <FailedMark />
              ) : (
                unread && <UnreadMark />
              )}
              <time
                dateTime={new Date(chat.updatedAt).toISOString()}
                title={fullDateTime(chat.updatedAt)}
                className="shrink-0 text-xs font-normal text-zinc-600 md:group-focus-within:opacity-0 md:group-hover:opacity-0 dark:text-zinc-400"
              >
                {relativeTime(chat.updatedAt, now)}
              </time>
            </span>
            {chat.snippet && (
              <span className="truncate text-xs font-normal text-zinc-600 dark:text-zinc-400">
                {chat.snippet}
              </span>
            )}
          </Link>
        )}
        {/* On desktop the actions cover the time while the row is hovered or focused, instead of taking room
            from the title at all times; while the title is a field, Enter and Esc are its actions. */}
        {!renaming && (
          <div className="flex shrink-0 items-center rounded-r-md bg-inherit md:absolute md:inset-y-0 md:right-0 md:opacity-0 md:group-focus-within:opacity-100 md:group-hover:opacity-100">
            <RowButton
              label={`Rename chat "${chat.title}"`}
              disabled={deleting}
              onClick={() => props.onStartRename(chat)}
            >
              <PencilIcon />
            </RowButton>
            <RowButton
              label={`Delete chat "${chat.title}"`}
              danger
              disabled={deleting}
              onClick={() => props.onAskDelete(chat)}
            >
              <TrashIcon />
            </RowButton>
          </div>
        )}
      </div>
      {error && (
        <p id={errorId} role="alert" className="px-3 pt-0.5 pb-1.5 text-xs text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
    </li>
  );
}

/** A row's action for the pointer; out of the Tab order (the row's keys do the same from the keyboard). */
function RowButton({
  label,
  danger,
  disabled,
  onClick,
  children,
}: {
  label: string;
  danger?: boolean;
  disabled: boolean;
  onClick(): void;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      tabIndex={-1}
      aria-label={label}
      disabled={disabled}
      onClick={onClick}
      className={`shrink-0 rounded p-1.5 text-zinc-500 last:mr-1 hover:bg-zinc-300/60 focus-visible:outline-2 focus-visible:outline-blue-600 disabled:cursor-wait dark:text-zinc-400 dark:hover:bg-zinc-700/60 ${
        danger ? "hover:text-red-700 dark:hover:text-red-400" : "hover:text-zinc-900 dark:hover:text-white"
      }`}
    >
      {children}
    </button>
  );
}

/** The chat's run is paused until its person approves or denies a tool call: open it to decide. */
function ApprovalMark() {
  return (
    <svg
      role="img"
      aria-label="waiting for your approval"
      data-approval-mark
      viewBox="0 0 16 16"
      className="size-3.5 shrink-0 text-amber-700 dark:text-amber-400"
    >
      <title>waiting for your approval</title>
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M6.25 5.25v5.5M9.75 5.25v5.5" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round" />
    </svg>
  );
}

/** The chat's last answer ended after its person last had it open. */
function UnreadMark() {
  return (
    <svg
      role="img"
      aria-label="new answer"
      data-unread-mark
      viewBox="0 0 16 16"
      className="size-3.5 shrink-0 text-blue-600 dark:text-blue-400"
    >
      <title>new answer</title>
      <circle cx="8" cy="8" r="4" fill="currentColor" />
    </svg>
  );
}

/** The chat's last answer did not come (the run failed, expired or was cut short): open it to Retry. */
function FailedMark() {
  return (
    <svg
      role="img"
      aria-label="last answer failed"
      data-failed-mark
      viewBox="0 0 16 16"
      className="size-3.5 shrink-0 text-red-700 dark:text-red-400"
    >
      <title>last answer failed</title>
      <circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <path d="M8 4.5v4.5" stroke="currentColor" strokeWidth="1.75" strokeLinecap="round" />
      <circle cx="8" cy="11.5" r="1" fill="currentColor" />
    </svg>
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
