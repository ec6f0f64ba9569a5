import type { ChatSearchResult, ChatStore } from "@/lib/db/chat-store";

/** The most chats the sidebar gets at once, listed or found. */
export const LIST_LIMIT = 100;

/** The sidebar's chats: all of the person's, newest first, or those matching a search (titles and text). */
export function listChats(store: ChatStore, ownerId: string, query?: string): Promise<ChatSearchResult[]> {
  return query ? store.searchChats(ownerId, query, LIST_LIMIT) : store.listChats(ownerId, LIST_LIMIT);
}
