"use client";

import { usePathname } from "next/navigation";
import { type MouseEvent, useEffect, useMemo, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { NEW_CHAT_ARIA_SHORTCUTS, NEW_CHAT_SHORTCUT_LABEL } from "@/components/chat/new-chat-shortcut";
import { type ChatSummary, useChatListStore } from "@/lib/client/chat-list-store";
import { useRunStatusStore } from "@/lib/client/run-status-store";
import { ChatListItem } from "./chat-list-item";
import { DeleteChatDialog } from "./delete-chat-dialog";
import { CloseIcon, PlusIcon } from "./icons";
import { OVERLAY_ID, SIDEBAR_ID, useSidebarStore } from "./sidebar-store";
import { useChatListFreshness } from "./use-chat-list-freshness";

const DESKTOP_QUERY = "(min-width: 768px)";

/**
 * The chat history: "New chat", then every chat newest first. On desktop a fixed column (collapsible, the
 * choice remembered); on narrow screens a modal overlay opened from the header. The overlay is a native
 * `<dialog>`: the page behind it is inert, Esc closes it and focus goes back to the button that opened it.
 */
export function Sidebar() {
  // Typed nullable since the app has a pages/ directory (its API routes); under app/ it is always a path.
  const pathname = usePathname() ?? "";
  const currentId = pathname.startsWith("/chat/") ? pathname.slice("/chat/".length) : undefined;

  const { chats, status, loadError, refresh, deleteChat } = useChatListStore(
    useShallow(({ chats, status, loadError, refresh, deleteChat }) => ({
      chats,
      status,
      loadError,
      refresh,
      deleteChat,
    })),
  );
  // Joined into a string so that the sidebar re-renders when a run starts or ends, not at every status tick.
  const localRuns = useRunStatusStore((state) =>
    Object.keys(state.byChat)
      .filter((id) => state.byChat[id])
      .sort()
      .join("\n"),
  );
  const localLive = useMemo(() => new Set(localRuns.split("\n")), [localRuns]);
  const isLive = (chat: ChatSummary) => chat.running || localLive.has(chat.id);
  useChatListFreshness(chats.some(isLive));

  const { collapsed, overlayOpen, setOverlayOpen, restore } = useSidebarStore(
    useShallow(({ collapsed, overlayOpen, setOverlayOpen, restore }) => ({
      collapsed,
      overlayOpen,
      setOverlayOpen,
      restore,
    })),
  );
  useEffect(restore, [restore]);

  const [pendingDelete, setPendingDelete] = useState<ChatSummary | null>(null);
  const [deleting, setDeleting] = useState<ReadonlySet<string>>(new Set());
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});

  const columnRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLDialogElement>(null);

  // Choosing a chat (a new route) closes the overlay.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the route changing is the trigger
  useEffect(() => setOverlayOpen(false), [pathname, setOverlayOpen]);

  useEffect(() => {
    const overlay = overlayRef.current;
    if (!overlay) return;
    if (overlayOpen && !overlay.open) overlay.showModal();
    if (!overlayOpen && overlay.open) overlay.close();
    if (!overlayOpen) return;
    // Widened past the breakpoint: the column shows instead.
    const desktop = window.matchMedia(DESKTOP_QUERY);
    const onChange = () => desktop.matches && setOverlayOpen(false);
    desktop.addEventListener("change", onChange);
    return () => desktop.removeEventListener("change", onChange);
  }, [overlayOpen, setOverlayOpen]);

  /** A click on the backdrop lands on the dialog itself; the panel fills the dialog box. */
  const onOverlayClick = (event: MouseEvent<HTMLDialogElement>) => {
    if (event.target === event.currentTarget) setOverlayOpen(false);
  };

  const confirmDelete = async (chat: ChatSummary, stop: boolean) => {
    setPendingDelete(null);
    setErrors(({ [chat.id]: _, ...rest }) => rest);
    setDeleting((ids) => new Set(ids).add(chat.id));
    const result = await deleteChat(chat.id, { stop });
    setDeleting((ids) => {
      const next = new Set(ids);
      next.delete(chat.id);
      return next;
    });
    if (!result.ok) {
      setErrors((all) => ({ ...all, [chat.id]: result.message }));
      return;
    }
    // The open chat is gone: start a new one (a full navigation, like "New chat").
    if (window.location.pathname === `/chat/${chat.id}`) {
      window.location.replace("/");
      return;
    }
    // Its Delete button went with it: focus stays in the sidebar.
    const panel = overlayOpen ? overlayRef.current : columnRef.current;
    panel?.querySelector<HTMLElement>("[data-new-chat]")?.focus();
  };

  const panel = (
    <ChatHistoryPanel
      chats={chats}
      status={status}
      loadError={loadError}
      onRetry={() => void refresh()}
      currentId={currentId}
      isLive={isLive}
      deleting={deleting}
      errors={errors}
      onNavigate={() => setOverlayOpen(false)}
      onAskDelete={setPendingDelete}
      onClose={overlayOpen ? () => setOverlayOpen(false) : undefined}
    />
  );

  return (
    <>
      <div
        ref={columnRef}
        id={SIDEBAR_ID}
        className={`hidden w-64 shrink-0 border-r border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900/40 ${
          collapsed ? "" : "md:flex"
        }`}
      >
        {panel}
      </div>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: the click is on the backdrop; keyboards have Esc and the Close button */}
      <dialog
        ref={overlayRef}
        id={OVERLAY_ID}
        aria-label="Chat history"
        onClose={() => setOverlayOpen(false)}
        onClick={onOverlayClick}
        className="inset-y-0 left-0 m-0 h-dvh max-h-none w-72 max-w-[85vw] overflow-hidden border-r border-zinc-200 bg-zinc-50 p-0 text-zinc-900 shadow-xl backdrop:bg-black/40 open:flex md:hidden dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
      >
        {overlayOpen && panel}
      </dialog>
      <DeleteChatDialog
        chat={pendingDelete}
        live={pendingDelete ? isLive(pendingDelete) : false}
        onConfirm={(chat) => void confirmDelete(chat, isLive(chat))}
        onCancel={() => setPendingDelete(null)}
      />
    </>
  );
}

interface ChatHistoryPanelProps {
  chats: ChatSummary[];
  status: "loading" | "ready" | "error";
  loadError?: string;
  onRetry(): void;
  currentId?: string;
  isLive(chat: ChatSummary): boolean;
  deleting: ReadonlySet<string>;
  errors: Readonly<Record<string, string>>;
  onNavigate(): void;
  onAskDelete(chat: ChatSummary): void;
  /** Shown as a close button when the panel is the narrow-screen overlay. */
  onClose?: () => void;
}

function ChatHistoryPanel(props: ChatHistoryPanelProps) {
  const { chats, status, loadError, currentId, deleting, errors, onClose } = props;
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
      <h2 className="px-4 pt-2 pb-1 text-xs font-medium tracking-wide text-zinc-500 uppercase dark:text-zinc-400">
        Chats
      </h2>
      <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-2">
        {loadError && (
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
        {status !== "ready" && chats.length === 0 && !loadError && (
          <p className="px-2 py-1 text-sm text-zinc-500 dark:text-zinc-400">Loading…</p>
        )}
        {status === "ready" && chats.length === 0 && (
          <p className="px-2 py-1 text-sm text-zinc-500 dark:text-zinc-400">No chats yet</p>
        )}
        {chats.length > 0 && (
          <ul className="flex flex-col gap-0.5">
            {chats.map((chat) => (
              <ChatListItem
                key={chat.id}
                chat={chat}
                current={chat.id === currentId}
                live={props.isLive(chat)}
                deleting={deleting.has(chat.id)}
                error={errors[chat.id]}
                onNavigate={props.onNavigate}
                onAskDelete={props.onAskDelete}
              />
            ))}
          </ul>
        )}
      </div>
    </nav>
  );
}
