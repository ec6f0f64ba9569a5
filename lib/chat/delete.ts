import type { BackgroundClient } from "@/lib/background";
import { ChatBusyError, type ChatStore } from "@/lib/db/chat-store";
import { cancelChatRun } from "./cancel";
import { ChatRefusal } from "./errors";

/**
 * Delete a chat with everything in it. A chat whose run is still going is refused unless `stop` is asked for:
 * then the run is stopped first (upstream too, where the server can cancel), exactly as Stop does, so nothing
 * keeps polling or writing into a chat that is gone.
 */
export async function deleteChat(
  deps: { store: ChatStore; client: BackgroundClient },
  chatId: string,
  ownerId: string,
  { stop = false }: { stop?: boolean } = {},
): Promise<void> {
  if (stop) await cancelChatRun(deps, chatId, ownerId);
  try {
    if (!(await deps.store.deleteChat(chatId, { unlessRunning: true, ownerId }))) {
      throw new ChatRefusal("missing", "There is no chat with this id.");
    }
  } catch (err) {
    if (ChatBusyError.is(err)) {
      throw new ChatRefusal(
        "conflict",
        "This chat's answer is still being written: stop it before deleting the chat.",
      );
    }
    throw err;
  }
}
