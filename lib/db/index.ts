/**
 * The app's chat store: PostgreSQL when `DATABASE_URL` is set, otherwise embedded PGlite with its data in
 * `PGLITE_DIR` (default `.data/pglite`). Nothing is opened or written at import time: the database is opened
 * and migrated on the first call of a store method.
 */

import { dropProcessState, existingProcessState, processState } from "@/lib/process-state";
import type { DbChatStore } from "./chat-store";
import { createDbChatStore } from "./db-store";
import { type Database, openDatabaseFromEnv, usesPostgres } from "./drivers";
import { migrate } from "./migrate";

export {
  type ApprovalRecord,
  ChatBusyError,
  type ChatRecord,
  type ChatStore,
  type ChatSummary,
  type DbChatStore,
  type RunRecord,
  type RunState,
  type TurnAppend,
} from "./chat-store";
export { createDbChatStore } from "./db-store";
export { type Database, openDatabaseFromEnv, openPglite, openPostgres } from "./drivers";
export { createMemoryChatStore } from "./memory-store";
export { migrate } from "./migrate";

/** Open (from the environment) and migrate a database, and put the store on it. */
export async function openChatStore(
  open: () => Promise<Database> = openDatabaseFromEnv,
): Promise<{ store: DbChatStore; database: Database }> {
  const database = await open();
  try {
    await migrate(database.db);
  } catch (err) {
    await database.close().catch(() => {});
    throw err;
  }
  return { store: createDbChatStore(database.db), database };
}

/** The one store of this process, and its database once opening it began. */
interface StoreEntry {
  store: DbChatStore;
  opening?: Promise<{ store: DbChatStore; database: Database }>;
}
const STORE_STATE = "chat-store";

/**
 * The process-wide store. Synchronous: the returned store's methods wait for the database to be opened and
 * migrated (once per process).
 */
export function getChatStore(): DbChatStore {
  return storeEntry().store;
}

const storeEntry = () =>
  processState(STORE_STATE, () => {
    const entry: StoreEntry = {
      store: deferredStore(() => openEntry(entry).then((opened) => opened.store)),
    };
    return entry;
  });

/**
 * The process-wide store's database itself, opened and migrated (for what keeps its own tables in it: the
 * sign-in library, lib/auth/oidc.ts). The same one the store uses, opened once.
 */
export async function openedDatabase(): Promise<Database> {
  return (await openEntry(storeEntry())).database;
}

/** Open the entry's database once (a failed start is retried by the next call). */
function openEntry(entry: StoreEntry): Promise<{ store: DbChatStore; database: Database }> {
  entry.opening ??= openChatStore().catch((err: unknown) => {
    entry.opening = undefined;
    throw err;
  });
  return entry.opening;
}

/** Close the process-wide store's database (if it was opened); the next getChatStore() opens it again. */
export async function closeChatStore(): Promise<void> {
  const entry = existingProcessState<StoreEntry>(STORE_STATE);
  dropProcessState(STORE_STATE);
  const opened = await entry?.opening?.catch(() => undefined);
  await opened?.database.close();
}

/**
 * A store whose every method first awaits the real one (opened and migrated on first use). Every method of the
 * store is async, so one forwarder serves them all: a method added to the store needs nothing here.
 */
function deferredStore(ready: () => Promise<DbChatStore>): DbChatStore {
  const processLocal = !usesPostgres();
  return new Proxy({} as DbChatStore, {
    get(_target, name) {
      if (name === "processLocal") return processLocal;
      // Not a promise: `await getChatStore()` must not take the store for one.
      if (typeof name !== "string" || name === "then") return undefined;
      return async (...args: unknown[]) => {
        const store = await ready();
        const method = store[name as keyof DbChatStore];
        if (typeof method !== "function") throw new TypeError(`The chat store has no "${name}".`);
        return (method as (...parameters: unknown[]) => unknown).apply(store, args);
      };
    },
  });
}
