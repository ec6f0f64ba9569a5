// The database store's turns: begin one (the busy check and the append together), and the versions a question
// or an answer has.

import { and, asc, count, eq, gt, ne } from "drizzle-orm";
import { forkBranch, forkSummaries, switchBranch } from "./branches";
import type { DbChatStore } from "./chat-store";
import {
  ChatBusyError,
  ChatNotFoundError,
  type ChatRecord,
  RUN_LIMIT_WINDOW_MS,
  type RunLimits,
  refuseOverRunLimits,
} from "./chat-store";
import type { AnyPgDatabase } from "./migrate";
import { chatForks, chats, runStarts, runs, users } from "./schema";
import {
  appendItems,
  chatLocker,
  loadChat,
  loadForks,
  lockChat,
  putMessage,
  recordApprovals,
  storableText,
  upsertMessage,
  writeBranch,
} from "./store-rows";
import { titleFrom } from "./title";

export function turnMethods(
  db: AnyPgDatabase,
): Pick<DbChatStore, "beginTurn" | "listForks" | "switchVersion"> {
  const _withChatLocked = chatLocker(db);
  return {
    async beginTurn(chatId, runId, prepare, { create, owner, limits }) {
      return db.transaction(async (tx) => {
        const now = Date.now();
        if (create) {
          await tx
            .insert(users)
            .values({ id: owner.id, email: owner.email ?? null, createdAt: now })
            .onConflictDoNothing();
        }
        // A new chat's row is inserted first: that is the lock a concurrent first turn waits on (its own
        // insert does nothing once this one commits, and it then finds the run in progress).
        let created = false;
        if (create) {
          const inserted = await tx
            .insert(chats)
            .values({ id: chatId, userId: owner.id, title: "New chat", createdAt: now, updatedAt: now })
            .onConflictDoNothing()
            .returning({ id: chats.id });
          created = inserted.length > 0;
        }
        const locked = created ? undefined : await lockChat(tx, chatId);
        if (locked && locked.userId !== owner.id) throw new ChatNotFoundError();
        const existing = locked ? await loadChat(tx, chatId) : undefined;
        if (existing?.run?.state === "running") throw new ChatBusyError();
        const append = prepare(existing ? structuredClone(existing) : undefined);
        if (!existing && !created) throw new ChatNotFoundError();
        await countRunStart(tx, owner.id, runId, now, limits);

        if (existing && append.fork) {
          const before = { ...existing, forks: await loadForks(tx, chatId) };
          const branch = forkBranch(before, append.fork);
          await writeBranch(tx, chatId, before, branch, append.fork.at, append.fork.historyAt);
          existing.messages = branch.messages;
          existing.history = branch.history;
        }
        const chat: ChatRecord = existing ?? {
          id: chatId,
          title: append.message ? storableText(titleFrom(append.message)) : "New chat",
          createdAt: now,
          updatedAt: now,
          messages: [],
          history: [],
        };
        await tx
          .update(chats)
          // The person is in the chat as they send: everything in it so far is seen.
          .set(created ? { title: chat.title, updatedAt: now, seenAt: now } : { updatedAt: now, seenAt: now })
          .where(eq(chats.id, chatId));
        if (append.message) {
          await upsertMessage(tx, chatId, append.message);
          putMessage(chat.messages, structuredClone(append.message));
        }
        await appendItems(tx, chatId, append.items);
        chat.history.push(...structuredClone(append.items));
        await recordApprovals(tx, chatId, runId, owner.id, append.items, now);
        await tx
          .insert(runs)
          .values({ runId, chatId, state: "running", cursor: 0, startedAt: now, input: [] });
        chat.run = { runId, state: "running", cursor: 0, startedAt: now, input: [], polls: 0 };
        chat.updatedAt = now;
        return chat;
      });
    },

    async listForks(chatId, ownerId) {
      const [row] = await db
        .select({ forks: chatForks.forks, userId: chats.userId })
        .from(chatForks)
        .innerJoin(chats, eq(chats.id, chatForks.chatId))
        .where(eq(chatForks.chatId, chatId));
      if (!row || (ownerId !== undefined && row.userId !== ownerId)) return [];
      return forkSummaries(row.forks);
    },

    async switchVersion(chatId, ownerId, choose) {
      return db.transaction(async (tx) => {
        const locked = await lockChat(tx, chatId);
        if (!locked || locked.userId !== ownerId) throw new ChatNotFoundError();
        const chat = await loadChat(tx, chatId);
        if (!chat) throw new ChatNotFoundError();
        if (chat.run?.state === "running") throw new ChatBusyError();
        const before = { ...chat, forks: await loadForks(tx, chatId) };
        const { at, version } = choose(structuredClone(chat), forkSummaries(before.forks));
        const branch = switchBranch(before, at, version);
        if (!branch) throw new Error(`There is no version ${version} at message ${at}.`);
        const historyAt = before.forks.find((f) => f.at === at)?.historyAt ?? 0;
        await writeBranch(tx, chatId, before, branch, at, historyAt);
        return {
          chat: { ...chat, messages: branch.messages, history: branch.history },
          forks: forkSummaries(branch.forks),
        };
      });
    },
  };
}

/**
 * Record that `ownerId` starts run `runId` (once: an approval or a retry goes on with a run already counted),
 * refusing it with RunLimitError over one of `limits` (the transaction then undoes the record too). With limits,
 * the person's row is locked before counting, so the turns of one person are counted one after the other,
 * whatever the number of instances.
 */
async function countRunStart(
  tx: AnyPgDatabase,
  ownerId: string,
  runId: string,
  now: number,
  limits: RunLimits | undefined,
): Promise<void> {
  const recorded = await tx
    .insert(runStarts)
    .values({ userId: ownerId, runId, startedAt: now })
    .onConflictDoNothing()
    .returning({ runId: runStarts.runId });
  if (limits?.inFlight === undefined && limits?.perDay === undefined) return;
  // NO KEY UPDATE: the turn's chat row already holds a KEY SHARE lock on it (its foreign key), which FOR UPDATE
  // would wait on in every other turn of the person's: a deadlock.
  await tx.select({ id: users.id }).from(users).where(eq(users.id, ownerId)).for("no key update");
  const isNew = recorded.length > 0;
  const [going] =
    limits.inFlight === undefined
      ? [{ n: 0 }]
      : await tx
          .select({ n: count() })
          .from(runs)
          .innerJoin(chats, eq(chats.id, runs.chatId))
          .where(and(eq(chats.userId, ownerId), eq(runs.state, "running")));
  const earlier =
    limits.perDay === undefined || !isNew
      ? []
      : await tx
          .select({ startedAt: runStarts.startedAt })
          .from(runStarts)
          .where(
            and(
              eq(runStarts.userId, ownerId),
              ne(runStarts.runId, runId),
              gt(runStarts.startedAt, now - RUN_LIMIT_WINDOW_MS),
            ),
          )
          .orderBy(asc(runStarts.startedAt));
  refuseOverRunLimits(limits, {
    going: going?.n ?? 0,
    earlierStarts: earlier.map((row) => row.startedAt),
    isNew,
  });
}
