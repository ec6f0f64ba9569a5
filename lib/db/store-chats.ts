// The database store's chats: read one, list and search a person's (with each one's state), rename, mark seen, delete.

import { and, eq, sql } from "drizzle-orm";
import type { DbChatStore } from "./chat-store";
import { ChatBusyError, type ChatSummary, runSummary } from "./chat-store";
import { type AnyPgDatabase, rowsOf } from "./migrate";
import { chats, pushSubscriptions, users } from "./schema";
import { escapeLike, snippetAround } from "./search-text";
import { chatLocker, latestRun, loadChat, lockChat, storableText } from "./store-rows";

/** A chat as the list's queries read it, with its latest run (none: nulls). */
type SummaryRow = {
  id: string;
  title: string;
  created_at: string | number;
  updated_at: string | number;
  seen_at: string | number | null;
  state: string | null;
  finished_at: string | number | null;
  awaits_approval: boolean | null;
};

const summaryOf = (row: SummaryRow): ChatSummary => ({
  id: row.id,
  title: row.title,
  createdAt: Number(row.created_at),
  updatedAt: Number(row.updated_at),
  ...runSummary({
    state: row.state,
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    awaitsApproval: row.awaits_approval,
    seenAt: row.seen_at === null ? null : Number(row.seen_at),
  }),
});

export function chatMethods(
  db: AnyPgDatabase,
): Pick<
  DbChatStore,
  "getChat" | "listChats" | "searchChats" | "renameChat" | "markSeen" | "moveChats" | "deleteChat"
> {
  const _withChatLocked = chatLocker(db);
  return {
    async getChat(chatId, ownerId) {
      return db.transaction((tx) => loadChat(tx, chatId, ownerId), {
        isolationLevel: "repeatable read",
        accessMode: "read only",
      });
    },

    async listChats(ownerId, limit = 100) {
      const result = await db.execute(sql`
        select c.id, c.title, c.created_at, c.updated_at, c.seen_at, r.state, r.finished_at, r.awaits_approval
        from chats c left join lateral (
          select l.state, l.finished_at, l.awaits_approval from runs l where l.chat_id = c.id order by l.id desc limit 1
        ) r on true
        where c.user_id = ${ownerId}
        order by c.updated_at desc, c.created_at desc, c.id asc
        limit ${Math.max(0, Math.floor(limit))}`);
      return rowsOf<SummaryRow>(result).map(summaryOf);
    },

    async markSeen(chatId, ownerId) {
      const seen = await db
        .update(chats)
        .set({ seenAt: Date.now() })
        .where(and(eq(chats.id, chatId), eq(chats.userId, ownerId)))
        .returning({ id: chats.id });
      return seen.length > 0;
    },

    async searchChats(ownerId, query, limit = 100) {
      const pattern = `%${escapeLike(query)}%`;
      // The first matching text part of the chat's messages, in transcript order (the snippet's source); the
      // parts are JSONB, read where they are rather than copied into a search column.
      const result = await db.execute(sql`
        select * from (
          select c.id, c.title, c.created_at, c.updated_at, c.seen_at, r.state, r.finished_at, r.awaits_approval,
            (select part->>'text' from messages m cross join lateral jsonb_array_elements(m.parts) part
              where m.chat_id = c.id and m.role in ('user', 'assistant') and part->>'type' = 'text'
                and part->>'text' ilike ${pattern} escape '\\'
              order by m.position limit 1) as match_text
          from chats c left join lateral (
            select l.state, l.finished_at, l.awaits_approval from runs l where l.chat_id = c.id order by l.id desc limit 1
          ) r on true
          where c.user_id = ${ownerId}
        ) found
        where found.title ilike ${pattern} escape '\\' or found.match_text is not null
        order by found.updated_at desc, found.created_at desc, found.id asc
        limit ${Math.max(0, Math.floor(limit))}`);
      return rowsOf<SummaryRow & { match_text: string | null }>(result).map((row) => {
        const summary = summaryOf(row);
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

    async moveChats(fromOwnerId, to) {
      if (fromOwnerId === to.id) return 0;
      return db.transaction(async (tx) => {
        await tx
          .insert(users)
          .values({ id: to.id, email: to.email ?? null, createdAt: Date.now() })
          .onConflictDoNothing();
        const moved = await tx
          .update(chats)
          .set({ userId: to.id })
          .where(eq(chats.userId, fromOwnerId))
          .returning({ id: chats.id });
        await tx
          .update(pushSubscriptions)
          .set({ userId: to.id })
          .where(eq(pushSubscriptions.userId, fromOwnerId));
        return moved.length;
      });
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
