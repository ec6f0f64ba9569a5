// The database store's chats: read one, list and search a person's, rename, delete.

import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { DbChatStore } from "./chat-store";
import { ChatBusyError, runSummary } from "./chat-store";
import { type AnyPgDatabase, rowsOf } from "./migrate";
import { chats } from "./schema";
import { escapeLike, snippetAround } from "./search-text";
import { chatLocker, latestRun, loadChat, lockChat, storableText } from "./store-rows";

export function chatMethods(
  db: AnyPgDatabase,
): Pick<DbChatStore, "getChat" | "listChats" | "searchChats" | "renameChat" | "deleteChat"> {
  const _withChatLocked = chatLocker(db);
  return {
    async getChat(chatId, ownerId) {
      return db.transaction((tx) => loadChat(tx, chatId, ownerId), {
        isolationLevel: "repeatable read",
        accessMode: "read only",
      });
    },

    async listChats(ownerId, limit = 100) {
      const latestState = sql<string | null>`(select r.state from runs r where r.chat_id = chats.id
        order by r.id desc limit 1)`;
      const rows = await db
        .select({
          id: chats.id,
          title: chats.title,
          createdAt: chats.createdAt,
          updatedAt: chats.updatedAt,
          state: latestState,
        })
        .from(chats)
        .where(eq(chats.userId, ownerId))
        .orderBy(desc(chats.updatedAt), desc(chats.createdAt), asc(chats.id))
        .limit(Math.max(0, Math.floor(limit)));
      return rows.map(({ state, ...chat }) => ({ ...chat, ...runSummary(state) }));
    },

    async searchChats(ownerId, query, limit = 100) {
      const pattern = `%${escapeLike(query)}%`;
      // The first matching text part of the chat's messages, in transcript order (the snippet's source); the
      // parts are JSONB, read where they are rather than copied into a search column.
      const result = await db.execute(sql`
        select * from (
          select c.id, c.title, c.created_at, c.updated_at,
            (select r.state from runs r where r.chat_id = c.id order by r.id desc limit 1) as state,
            (select part->>'text' from messages m cross join lateral jsonb_array_elements(m.parts) part
              where m.chat_id = c.id and m.role in ('user', 'assistant') and part->>'type' = 'text'
                and part->>'text' ilike ${pattern} escape '\\'
              order by m.position limit 1) as match_text
          from chats c where c.user_id = ${ownerId}
        ) found
        where found.title ilike ${pattern} escape '\\' or found.match_text is not null
        order by found.updated_at desc, found.created_at desc, found.id asc
        limit ${Math.max(0, Math.floor(limit))}`);
      type Row = {
        id: string;
        title: string;
        created_at: string | number;
        updated_at: string | number;
        state: string | null;
        match_text: string | null;
      };
      return rowsOf<Row>(result).map((row) => {
        const summary = {
          id: row.id,
          title: row.title,
          createdAt: Number(row.created_at),
          updatedAt: Number(row.updated_at),
          ...runSummary(row.state),
        };
        const inTitle = row.title.toLowerCase().includes(query.toLowerCase());
        return inTitle || row.match_text === null
          ? summary
          : { ...summary, snippet: snippetAround(row.match_text, query) };
      });
    },

    async renameChat(chatId, title, ownerId) {
      const renamed = await db
        .update(chats)
        .set({ title: storableText(title) })
        .where(and(eq(chats.id, chatId), eq(chats.userId, ownerId)))
        .returning({ id: chats.id });
      return renamed.length > 0;
    },

    async deleteChat(chatId, options) {
      return db.transaction(async (tx) => {
        const locked = await lockChat(tx, chatId);
        if (!locked || (options?.ownerId !== undefined && locked.userId !== options.ownerId)) return false;
        if (options?.unlessRunning && (await latestRun(tx, chatId))?.state === "running") {
          throw new ChatBusyError();
        }
        await tx.delete(chats).where(eq(chats.id, chatId));
        return true;
      });
    },
  };
}
