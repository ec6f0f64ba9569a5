import { and, asc, desc, eq, gte, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { ChatMessage } from "@/lib/shared/chat";
import type { UpstreamItem } from "@/lib/shared/upstream";
import { type Branch, type ForkRecord, forkBranch, forkSummaries, switchBranch } from "./branches";
import {
  ChatBusyError,
  ChatNotFoundError,
  type ChatRecord,
  type ChatStore,
  CYCLE_CLAIM_TTL_MS,
  type RunRecord,
  type RunState,
} from "./chat-store";
import { type AnyPgDatabase, rowsOf } from "./migrate";
import { approvals, chatForks, chats, historyItems, messages, runs, users } from "./schema";
import { escapeLike, snippetAround } from "./search-text";
import { titleFrom } from "./title";

/** One row of the approvals audit log. */
export interface ApprovalRecord {
  approvalRequestId: string;
  /** The run the decision continued. */
  runId: string;
  approve: boolean;
  reason?: string;
  decidedAt: number;
  /** The user id of the person who decided. */
  decidedBy?: string;
}

/** The database store: the ChatStore contract plus what only a database keeps. */
export interface DbChatStore extends ChatStore {
  /** The approval decisions recorded in a chat, oldest first. */
  listApprovals(chatId: string): Promise<ApprovalRecord[]>;
}

/** A database or a transaction on one. */
type Queryable = AnyPgDatabase;
type RunRow = typeof runs.$inferSelect;

/**
 * The ChatStore on a migrated drizzle Postgres database (PGlite or node-postgres). Every write to a chat runs
 * in a transaction that first locks the chat's row (`SELECT … FOR UPDATE`), so writers of one chat take turns:
 * the busy check and the append of `beginTurn` cannot interleave with another turn, and a cursor is compared
 * and moved together with the item it passed. Writes for a run that is not the chat's current (latest) run
 * are ignored.
 */
export function createDbChatStore(db: AnyPgDatabase): DbChatStore {
  /** Write to one chat under its row lock; `undefined` (nothing done) when the chat does not exist. */
  const withChatLocked = (chatId: string, write: (tx: Queryable) => Promise<void>) =>
    db.transaction(async (tx) => {
      if (await lockChat(tx, chatId)) await write(tx);
    });

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
      return rows.map(({ state, ...chat }) => ({ ...chat, running: state === "running" }));
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
          running: row.state === "running",
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

    async beginTurn(chatId, runId, prepare, { create, owner }) {
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
          .set(created ? { title: chat.title, updatedAt: now } : { updatedAt: now })
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

    async startRun(chatId, runId, upstream) {
      let started = false;
      await withChatLocked(chatId, async (tx) => {
        const run = await currentRun(tx, chatId, runId);
        if (run?.state !== "running") return;
        await tx
          .update(runs)
          .set({ responseId: upstream.responseId, input: upstream.input, cursor: 0 })
          .where(eq(runs.id, run.id));
        started = true;
      });
      return started;
    },

    async claimNextCycle(chatId, runId, afterResponseId) {
      // One conditional UPDATE is the compare-and-set: concurrent claimers serialize on the row.
      const now = Date.now();
      const claimed = await db
        .update(runs)
        .set({ claimedAfter: afterResponseId, claimedAt: now })
        .where(
          and(
            eq(runs.id, latestRunId(chatId)),
            eq(runs.runId, runId),
            eq(runs.state, "running"),
            eq(runs.responseId, afterResponseId),
            or(
              isNull(runs.claimedAfter),
              ne(runs.claimedAfter, afterResponseId),
              lt(runs.claimedAt, now - CYCLE_CLAIM_TTL_MS),
            ),
          ),
        )
        .returning({ id: runs.id });
      return claimed.length > 0;
    },

    async checkRun(chatId, runId, polls) {
      const [row] = await db
        .update(runs)
        .set({ pollCount: sql`${runs.pollCount} + ${Math.max(0, Math.floor(polls))}` })
        .where(and(eq(runs.id, latestRunId(chatId)), eq(runs.runId, runId)))
        .returning({ state: runs.state, responseId: runs.responseId });
      if (!row) return undefined;
      return {
        state: row.state as RunState,
        ...(row.responseId !== null ? { responseId: row.responseId } : {}),
      };
    },

    async checkRuns(checks) {
      if (checks.length === 0) return [];
      // One statement for every run: it reads each run's state, and writes a poll count only where there are
      // polls to add (an UPDATE leaves a dead row version behind, and embedded PGlite has no autovacuum: a
      // write per run per second bloats the runs table until every check slows down). The same run asked for
      // twice is one row, its polls added up first (an UPDATE … FROM changes a row once).
      const key = (chatId: string, runId: string) => JSON.stringify([chatId, runId]);
      const wanted = new Map<string, { chat_id: string; run_id: string; polls: number }>();
      for (const { chatId, runId, polls } of checks) {
        const entry = wanted.get(key(chatId, runId)) ?? { chat_id: chatId, run_id: runId, polls: 0 };
        entry.polls += Math.max(0, Math.floor(polls));
        wanted.set(key(chatId, runId), entry);
      }
      const result = await db.execute(sql`
        with asked as (
          select * from jsonb_to_recordset(${JSON.stringify([...wanted.values()])}::jsonb)
            as v(chat_id text, run_id text, polls integer)
        ),
        current_runs as (
          select asked.chat_id, asked.run_id, asked.polls, latest.id, latest.state, latest.response_id
          from asked
          join lateral (
            select r.id, r.run_id, r.state, r.response_id from runs r
            where r.chat_id = asked.chat_id order by r.id desc limit 1
          ) latest on latest.run_id = asked.run_id
        ),
        counted as (
          update runs set poll_count = runs.poll_count + current_runs.polls
          from current_runs where runs.id = current_runs.id and current_runs.polls > 0
          returning runs.id
        )
        select chat_id, run_id, state, response_id from current_runs`);
      type Row = { chat_id: string; run_id: string; state: string; response_id: string | null };
      const found = new Map(rowsOf<Row>(result).map((row) => [key(row.chat_id, row.run_id), row]));
      return checks.map(({ chatId, runId }) => {
        const row = found.get(key(chatId, runId));
        if (!row) return undefined;
        return {
          state: row.state as RunState,
          ...(row.response_id !== null ? { responseId: row.response_id } : {}),
        };
      });
    },

    async setConversationId(chatId, conversationId) {
      await db.update(chats).set({ agentConversationId: conversationId }).where(eq(chats.id, chatId));
    },

    async appendHistory(chatId, runId, items) {
      if (items.length === 0) return;
      await withChatLocked(chatId, async (tx) => {
        if (await currentRun(tx, chatId, runId)) await appendItems(tx, chatId, items);
      });
    },

    async recordItem(chatId, runId, item, cursor) {
      await withChatLocked(chatId, async (tx) => {
        const run = await currentRun(tx, chatId, runId);
        if (!run || !(cursor > run.cursor)) return; // already recorded: never twice
        await tx.update(runs).set({ cursor }).where(eq(runs.id, run.id));
        await appendItems(tx, chatId, [item]);
      });
    },

    async finishRun(chatId, runId, state, assistantMessage, error) {
      await withChatLocked(chatId, async (tx) => {
        const run = await currentRun(tx, chatId, runId);
        if (!run) return;
        const now = Date.now();
        if (state !== "running") {
          await tx
            .update(runs)
            .set({ state, finishedAt: now, ...(error ? { error: storableText(error) } : {}) })
            .where(eq(runs.id, run.id));
        }
        await tx.update(chats).set({ updatedAt: now }).where(eq(chats.id, chatId));
        if (assistantMessage && assistantMessage.parts.length > 0)
          await upsertMessage(tx, chatId, assistantMessage);
      });
    },

    async listApprovals(chatId) {
      const rows = await db
        .select()
        .from(approvals)
        .where(eq(approvals.chatId, chatId))
        .orderBy(asc(approvals.decidedAt), asc(approvals.approvalRequestId));
      return rows.map(({ approvalRequestId, runId, approve, reason, decidedAt, decidedBy }) => ({
        approvalRequestId,
        runId,
        approve,
        decidedAt,
        ...(reason !== null ? { reason } : {}),
        ...(decidedBy !== null ? { decidedBy } : {}),
      }));
    },
  };
}

/** Lock the chat's row for the rest of the transaction; its owner, or undefined when there is no such chat. */
async function lockChat(tx: Queryable, chatId: string): Promise<{ userId: string | null } | undefined> {
  const [row] = await tx
    .select({ userId: chats.userId })
    .from(chats)
    .where(eq(chats.id, chatId))
    .for("update");
  return row;
}

/** The chat's current run, only if it is `runId`: a stale run must not write over a newer one. */
async function currentRun(tx: Queryable, chatId: string, runId: string): Promise<RunRow | undefined> {
  const run = await latestRun(tx, chatId);
  return run?.runId === runId ? run : undefined;
}

/** The id of the chat's current (latest) run row, as a subquery. */
function latestRunId(chatId: string) {
  return sql`(select r.id from runs r where r.chat_id = ${chatId} order by r.id desc limit 1)`;
}

async function latestRun(q: Queryable, chatId: string): Promise<RunRow | undefined> {
  const [run] = await q.select().from(runs).where(eq(runs.chatId, chatId)).orderBy(desc(runs.id)).limit(1);
  return run;
}

async function loadChat(q: Queryable, chatId: string, ownerId?: string): Promise<ChatRecord | undefined> {
  const [chat] = await q.select().from(chats).where(eq(chats.id, chatId));
  if (!chat || (ownerId !== undefined && chat.userId !== ownerId)) return undefined;
  const messageRows = await q
    .select({ id: messages.id, role: messages.role, parts: messages.parts, metadata: messages.metadata })
    .from(messages)
    .where(eq(messages.chatId, chatId))
    .orderBy(asc(messages.position));
  const historyRows = await q
    .select({ item: historyItems.item })
    .from(historyItems)
    .where(eq(historyItems.chatId, chatId))
    .orderBy(asc(historyItems.position));
  const run = await latestRun(q, chatId);
  return {
    id: chat.id,
    title: chat.title,
    createdAt: chat.createdAt,
    updatedAt: chat.updatedAt,
    messages: messageRows.map(
      ({ metadata, ...message }): ChatMessage => (metadata === null ? message : { ...message, metadata }),
    ),
    history: historyRows.map((r) => r.item),
    ...(run ? { run: toRunRecord(run) } : {}),
    ...(chat.agentConversationId ? { conversationId: chat.agentConversationId } : {}),
  };
}

function toRunRecord(row: RunRow): RunRecord {
  return {
    runId: row.runId,
    state: row.state as RunState,
    cursor: row.cursor,
    startedAt: row.startedAt,
    input: row.input,
    polls: row.pollCount,
    ...(row.responseId !== null ? { responseId: row.responseId } : {}),
    ...(row.finishedAt !== null ? { finishedAt: row.finishedAt } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
  };
}

/** Append items to the chat's history after its last one. The caller holds the chat's lock. */
async function appendItems(tx: Queryable, chatId: string, items: UpstreamItem[]) {
  if (items.length === 0) return;
  const [last] = await tx
    .select({ next: sql<number>`coalesce(max(${historyItems.position}), -1) + 1` })
    .from(historyItems)
    .where(eq(historyItems.chatId, chatId));
  const start = Number(last?.next ?? 0);
  await tx.insert(historyItems).values(items.map((item, i) => ({ chatId, position: start + i, item })));
}

async function loadForks(q: Queryable, chatId: string): Promise<ForkRecord[]> {
  const [row] = await q
    .select({ forks: chatForks.forks })
    .from(chatForks)
    .where(eq(chatForks.chatId, chatId));
  return row?.forks ?? [];
}

/**
 * Store `after`, which differs from `before` only from message `at` and history item `historyAt` on (a fork or
 * a switch), and its forks. The caller holds the chat's lock.
 */
async function writeBranch(
  tx: Queryable,
  chatId: string,
  before: Branch,
  after: Branch,
  at: number,
  historyAt: number,
) {
  if (after === before) return;
  await tx.delete(messages).where(and(eq(messages.chatId, chatId), gte(messages.position, at)));
  const newMessages = after.messages.slice(at);
  if (newMessages.length > 0) {
    await tx.insert(messages).values(
      newMessages.map((message, i) => ({
        chatId,
        id: message.id,
        position: at + i,
        role: message.role,
        parts: message.parts,
        metadata: message.metadata ?? null,
      })),
    );
  }
  await tx
    .delete(historyItems)
    .where(and(eq(historyItems.chatId, chatId), gte(historyItems.position, historyAt)));
  const newItems = after.history.slice(historyAt);
  if (newItems.length > 0) {
    await tx
      .insert(historyItems)
      .values(newItems.map((item, i) => ({ chatId, position: historyAt + i, item })));
  }
  await tx
    .insert(chatForks)
    .values({ chatId, forks: after.forks })
    .onConflictDoUpdate({ target: chatForks.chatId, set: { forks: after.forks } });
}

/** Replace the message with the same id in place, or add it at the end. The caller holds the chat's lock. */
async function upsertMessage(tx: Queryable, chatId: string, message: ChatMessage) {
  await tx
    .insert(messages)
    .values({
      chatId,
      id: message.id,
      position: sql`(select coalesce(max(m.position), -1) + 1 from messages m where m.chat_id = ${chatId})`,
      role: message.role,
      parts: message.parts,
      metadata: message.metadata ?? null,
    })
    .onConflictDoUpdate({
      target: [messages.chatId, messages.id],
      set: { role: sql`excluded.role`, parts: sql`excluded.parts`, metadata: sql`excluded.metadata` },
    });
}

/** The in-memory counterpart of upsertMessage. */
function putMessage(list: ChatMessage[], message: ChatMessage) {
  const at = list.findIndex((m) => m.id === message.id);
  if (at >= 0) list[at] = message;
  else list.push(message);
}

/**
 * The audit rows of the turn's `mcp_approval_response` items. One decision per request and chat: a second
 * one for the same request violates the key and the whole turn is refused (the memory store has no such
 * check; the turn logic refuses answered requests before it gets here).
 */
async function recordApprovals(
  tx: Queryable,
  chatId: string,
  runId: string,
  decidedBy: string,
  items: UpstreamItem[],
  now: number,
) {
  const rows = items
    .filter((item) => item.type === "mcp_approval_response" && typeof item.approval_request_id === "string")
    .map((item) => ({
      chatId,
      approvalRequestId: item.approval_request_id as string,
      runId,
      approve: item.approve === true,
      reason: typeof item.reason === "string" ? storableText(item.reason) : null,
      decidedAt: now,
      decidedBy,
    }));
  if (rows.length > 0) await tx.insert(approvals).values(rows);
}

/** Postgres text cannot hold NUL: free text (titles, errors, reasons) keeps U+FFFD in its place. */
function storableText(text: string): string {
  return text.replaceAll("\0", "\uFFFD");
}
