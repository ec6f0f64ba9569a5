import type { DbChatStore } from "./chat-store";
import type { AnyPgDatabase } from "./migrate";
import { chatMethods } from "./store-chats";
import { pushMethods } from "./store-push";
import { runMethods } from "./store-runs";
import { turnMethods } from "./store-turns";

/**
 * The ChatStore on a migrated drizzle Postgres database (PGlite or node-postgres). Every write to a chat runs
 * in a transaction that first locks the chat's row (`SELECT … FOR UPDATE`), so writers of one chat take turns:
 * the busy check and the append of `beginTurn` cannot interleave with another turn, and a cursor is compared
 * and moved together with the item it passed. Writes for a run that is not the chat's current (latest) run
 * are ignored.
 */
export function createDbChatStore(db: AnyPgDatabase): DbChatStore {
  return { ...chatMethods(db), ...turnMethods(db), ...runMethods(db), ...pushMethods(db) };
}
