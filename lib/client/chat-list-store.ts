import { create } from "zustand";
import type { ChatSearchResult, ChatSummary } from "@/lib/db/chat-store";

export type { ChatSearchResult, ChatSummary };

export type DeleteResult = { ok: true } | { ok: false; message: string };
export type RenameResult = DeleteResult;

/** A search in the sidebar: what was asked and, once the server answered, the chats that match. */
export interface ChatSearch {
  query: string;
  /** Undefined while the first answer for this query is on its way. */
  results?: ChatSearchResult[];
  error?: string;
}

interface ChatListState {
  chats: ChatSummary[];
  /** `loading` only before the first answer; later refreshes keep showing the list they replace. */
  status: "loading" | "ready" | "error";
  /** Why the last refresh failed (the list shown, if any, is the previous one). */
  loadError?: string;
  refresh(): Promise<void>;
  /**
   * DELETE the chat (`stop`: its run is stopped first); on success (or when it was already gone) it leaves the
   * list at once.
   */
  deleteChat(chatId: string, options?: { stop?: boolean }): Promise<DeleteResult>;
  /** The current search; undefined when the search field is empty (the whole list shows). */
  search?: ChatSearch;
  /** Search titles and message text (`GET /api/chats?q=`); a blank query ends the search. */
  runSearch(query: string): Promise<void>;
  /** PATCH the title; the list shows it at once and goes back to the old one if the server refuses. */
  renameChat(chatId: string, title: string): Promise<RenameResult>;
  /** The chat is on screen: the server forgets its unread answer, and the list shows it read at once. */
  markSeen(chatId: string): Promise<void>;
}

/** Numbers the list and search requests, in the order they are sent. */
let listRequests = 0;
/**
 * The chats this tab marked seen, each with the last list request sent before the server had it: a list that
 * old may still call the chat unread.
 */
const seenAfterList = new Map<string, number>();

/** `chats` as list request `asked` returned them, without the unread marks this tab has since cleared. */
function seenHere<T extends ChatSummary>(chats: T[], asked: number): T[] {
  return chats.map((chat) => {
    if (!chat.unread || (seenAfterList.get(chat.id) ?? 0) < asked) return chat;
    const { unread: _unread, ...read } = chat;
    return read as T;
  });
}

/**
 * Bumped by every refresh and every deletion: a response is applied only if nothing happened since its request
 * went out, so a slow list can neither overwrite a newer one nor bring back a chat deleted meanwhile.
 */
let generation = 0;
/** The same for searches: only the answer to the latest query is shown. */
let searchGeneration = 0;

/** Every list the chat is in, with `change` applied to it. */
const inLists = (
  state: { chats: ChatSummary[]; search?: ChatSearch },
  change: <T extends ChatSummary>(chats: T[]) => T[],
) => ({
  chats: change(state.chats),
  search: state.search?.results ? { ...state.search, results: change(state.search.results) } : state.search,
});

/** The history sidebar's chats, newest first, as `GET /api/chats` last returned them. */
export const useChatListStore = create<ChatListState>()((set, get) => ({
  chats: [],
  status: "loading",
  refresh: async () => {
    const mine = ++generation;
    const asked = ++listRequests;
    try {
      const response = await fetch("/api/chats", { cache: "no-store" });
      if (!response.ok) throw new Error(await errorMessage(response, "Could not load the chat history"));
      const { chats } = (await response.json()) as { chats: ChatSummary[] };
      if (mine === generation) set({ chats: seenHere(chats, asked), status: "ready", loadError: undefined });
    } catch (err) {
      if (mine !== generation) return;
      const message = err instanceof Error && err.message ? err.message : "Could not load the chat history.";
      set((state) => ({ status: state.status === "ready" ? "ready" : "error", loadError: message }));
    }
  },
  deleteChat: async (chatId, options) => {
    let response: Response;
    try {
      const stop = options?.stop ? "?stop=true" : "";
      response = await fetch(`/api/chat/${encodeURIComponent(chatId)}${stop}`, { method: "DELETE" });
    } catch {
      return { ok: false, message: "Could not reach the server. Try again." };
    }
    // 404: someone else deleted it already; either way it is gone.
    if (response.ok || response.status === 404) {
      generation++;
      set((state) => inLists(state, (chats) => chats.filter((chat) => chat.id !== chatId)));
      return { ok: true };
    }
    return { ok: false, message: await errorMessage(response, "Could not delete the chat") };
  },
  runSearch: async (raw) => {
    const mine = ++searchGeneration;
    const query = raw.trim();
    if (!query) {
      set({ search: undefined });
      return;
    }
    // The previous results stay up while the next ones load: the list does not flash empty at each key.
    set((state) => ({ search: { query, results: state.search?.results } }));
    const asked = ++listRequests;
    try {
      const response = await fetch(`/api/chats?q=${encodeURIComponent(query)}`, { cache: "no-store" });
      if (!response.ok) throw new Error(await errorMessage(response, "Could not search the chats"));
      const { chats } = (await response.json()) as { chats: ChatSearchResult[] };
      if (mine === searchGeneration) set({ search: { query, results: seenHere(chats, asked) } });
    } catch (err) {
      if (mine !== searchGeneration) return;
      const message = err instanceof Error && err.message ? err.message : "Could not search the chats.";
      set({ search: { query, results: [], error: message } });
    }
  },
  renameChat: async (chatId, title) => {
    const before = [...get().chats, ...(get().search?.results ?? [])].find(
      (chat) => chat.id === chatId,
    )?.title;
    const retitle = (to: string) =>
      set((state) =>
        inLists(state, (chats) => chats.map((chat) => (chat.id === chatId ? { ...chat, title: to } : chat))),
      );
    generation++;
    retitle(title);
    let response: Response;
    try {
      response = await fetch(`/api/chat/${encodeURIComponent(chatId)}`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ title }),
      });
    } catch {
      if (before !== undefined) retitle(before);
      return { ok: false, message: "Could not reach the server. Try again." };
    }
    if (response.ok) {
      const stored = ((await response.json()) as { title: string }).title;
      retitle(stored);
      return { ok: true };
    }
    if (before !== undefined) retitle(before);
    return { ok: false, message: await errorMessage(response, "Could not rename the chat") };
  },
  markSeen: async (chatId) => {
    // Until the server has it, every list shows the chat read; after, the lists asked for before it did.
    seenAfterList.set(chatId, Number.POSITIVE_INFINITY);
    set((state) => inLists(state, (chats) => seenHere(chats, listRequests)));
    // Nothing to tell the person if this fails: the mark is only a hint, and the next look sends it again.
    const response = await fetch(`/api/chat/${encodeURIComponent(chatId)}/seen`, { method: "POST" }).catch(
      () => undefined,
    );
    if (response?.ok) seenAfterList.set(chatId, listRequests);
    else seenAfterList.delete(chatId);
  },
}));

/** The `{ error: { message } }` every route answers with, or a sentence with the HTTP status. */
async function errorMessage(response: Response, fallback: string): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === "string" && body.error.message) return body.error.message;
  } catch {
    // not JSON: fall through
  }
  return `${fallback} (HTTP ${response.status}).`;
}
