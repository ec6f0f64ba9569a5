import type { ChatStore } from "@/lib/db/chat-store";
import { ChatRefusal } from "./errors";

/** Give a person's chat the title they chose (validated by the route); another person's chat is a 404. */
export async function renameChat(
  store: ChatStore,
  chatId: string,
  ownerId: string,
  title: string,
): Promise<{ id: string; title: string }> {
  if (!(await store.renameChat(chatId, title, ownerId))) {
    throw new ChatRefusal("missing", "There is no chat with this id.");
  }
  return { id: chatId, title };
}

/** The person has the chat in front of them: its last run's end is no longer unread. Another's is a 404. */
export async function markChatSeen(store: ChatStore, chatId: string, ownerId: string): Promise<void> {
  if (!(await store.markSeen(chatId, ownerId)))
    throw new ChatRefusal("missing", "There is no chat with this id.");
}
