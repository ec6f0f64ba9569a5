import { create } from "zustand";
import type { ChatSummary } from "@/lib/db/chat-store";

export type { ChatSummary };

export type DeleteResult = { ok: true } | { ok: false; message: string };

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
}

/**
 * Bumped by every refresh and every deletion: a response is applied only if nothing happened since its request
 * went out, so a slow list can neither overwrite a newer one nor bring back a chat deleted meanwhile.
 */
let generation = 0;

/** The history sidebar's chats, newest first, as `GET /api/chats` last returned them. */
export const useChatListStore = create<ChatListState>()((set) => ({
  chats: [],
  status: "loading",
  refresh: async () => {
    const mine = ++generation;
    try {
      const response = await fetch("/api/chats", { cache: "no-store" });
      if (!response.ok) throw new Error(await errorMessage(response, "Could not load the chat history"));
      const { chats } = (await response.json()) as { chats: ChatSummary[] };
      if (mine === generation) set({ chats, status: "ready", loadError: undefined });
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
      set((state) => ({ chats: state.chats.filter((chat) => chat.id !== chatId) }));
      return { ok: true };
    }
    return { ok: false, message: await errorMessage(response, "Could not delete the chat") };
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
