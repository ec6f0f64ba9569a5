"use client";

import { usePathname } from "next/navigation";
import { type MouseEvent, useEffect, useMemo, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { type ChatSummary, useChatListStore } from "@/lib/client/chat-list-store";
import { useRunStatusStore } from "@/lib/client/run-status-store";
import { checkTitle, tabTitleOf } from "@/lib/shared/chat-title";
import { ChatHistoryPanel } from "./chat-history-panel";
import { useSearchText } from "./chat-search-field";
import { DeleteChatDialog } from "./delete-chat-dialog";
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

  const { chats, status, loadError, refresh, deleteChat, search, runSearch, renameChat } = useChatListStore(
    useShallow(({ chats, status, loadError, refresh, deleteChat, search, runSearch, renameChat }) => ({
      chats,
      status,
      loadError,
      refresh,
      deleteChat,
      search,
      runSearch,
      renameChat,
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
  const [renaming, setRenaming] = useState<string | undefined>();
  const [searchText, setSearchText] = useSearchText(runSearch);
  const setError = (chatId: string, message?: string) =>
    setErrors(({ [chatId]: _, ...rest }) => (message ? { ...rest, [chatId]: message } : rest));

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
    setError(chat.id);
    setDeleting((ids) => new Set(ids).add(chat.id));
    const result = await deleteChat(chat.id, { stop });
    setDeleting((ids) => {
      const next = new Set(ids);
      next.delete(chat.id);
      return next;
    });
    if (!result.ok) {
      setError(chat.id, result.message);
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

  /** The row's link, once React has put it back in place of the rename field. */
  const focusRow = (chatId: string) =>
    requestAnimationFrame(() => {
      const panel = overlayOpen ? overlayRef.current : columnRef.current;
      panel?.querySelector<HTMLElement>(`[data-chat-id="${CSS.escape(chatId)}"] [data-chat-link]`)?.focus();
    });

  const startRename = (chat: ChatSummary) => {
    setError(chat.id);
    setRenaming(chat.id);
  };

  const cancelRename = (chat: ChatSummary) => {
    setError(chat.id);
    setRenaming(undefined);
    focusRow(chat.id);
  };

  /**
   * Enter or leaving the field; false when the title is refused. From the keyboard the field then stays open
   * and says why; a field left with a refused title closes and the chat keeps its name.
   */
  const rename = (chat: ChatSummary, text: string, viaKeyboard: boolean): boolean => {
    const checked = checkTitle(text);
    if (!checked.ok) {
      setError(chat.id, viaKeyboard ? checked.message : `${checked.message} The chat keeps its name.`);
      if (!viaKeyboard) setRenaming(undefined);
      return false;
    }
    setError(chat.id);
    setRenaming(undefined);
    if (viaKeyboard) focusRow(chat.id);
    if (checked.title !== chat.title) {
      void renameChat(chat.id, checked.title).then((result) => {
        if (!result.ok) setError(chat.id, result.message);
        else if (chat.id === currentId) document.title = tabTitleOf(checked.title);
      });
    }
    return true;
  };

  const panel = (
    <ChatHistoryPanel
      chats={chats}
      status={status}
      loadError={loadError}
      onRetry={() => void refresh()}
      search={search}
      searchText={searchText}
      setSearchText={setSearchText}
      renaming={renaming}
      onStartRename={startRename}
      onRename={rename}
      onCancelRename={cancelRename}
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
