// What the database store's parts share: row locks, loading a chat, appending items, writing messages, forks
// and approvals. Every write to a chat runs under its row lock (see createDbChatStore).

import { and, asc, desc, eq, gte, sql } from "drizzle-orm";
import type { ChatMessage } from "@/lib/shared/chat";
import type { UpstreamItem } from "@/lib/shared/upstream";
import type { Branch, ForkRecord } from "./branches";
import type { ChatRecord, RunRecord, RunState } from "./chat-store";
import type { AnyPgDatabase } from "./migrate";
import { approvals, chatForks, chats, historyItems, messages, runs } from "./schema";

/** A database or a transaction on one. */
export type Queryable = AnyPgDatabase;
export type RunRow = typeof runs.$inferSelect;

/** Write to one chat under its row lock; nothing is done when the chat does not exist. */
export function chatLocker(db: AnyPgDatabase) {
  return (chatId: string, write: (tx: Queryable) => Promise<void>) =>
    db.transaction(async (tx) => {
      if (await lockChat(tx, chatId)) await write(tx);
    });
}

/** Lock the chat's row for the rest of the transaction; its owner, or undefined when there is no such chat. */
export async function lockChat(
  tx: Queryable,
  chatId: string,
): Promise<{ userId: string | null } | undefined> {
  const [row] = await tx
    .select({ userId: chats.userId })
    .from(chats)
    .where(eq(chats.id, chatId))
    .for("update");
  return row;
}

/** The chat's current run, only if it is `runId`: a stale run must not write over a newer one. */
export async function currentRun(tx: Queryable, chatId: string, runId: string): Promise<RunRow | undefined> {
  const run = await latestRun(tx, chatId);
  return run?.runId === runId ? run : undefined;
}

/** The id of the chat's current (latest) run row, as a subquery. */
export function latestRunId(chatId: string) {
  return sql`(select r.id from runs r where r.chat_id = ${chatId} order by r.id desc limit 1)`;
}

export async function latestRun(q: Queryable, chatId: string): Promise<RunRow | undefined> {
  const [run] = await q.select().from(runs).where(eq(runs.chatId, chatId)).orderBy(desc(runs.id)).limit(1);
  return run;
}

export async function loadChat(
  q: Queryable,
  chatId: string,
  ownerId?: string,
): Promise<ChatRecord | undefined> {
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

export function toRunRecord(row: RunRow): RunRecord {
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
    ...(row.createSentAt !== null ? { createSent: true as const } : {}),
  };
}

/** Append items to the chat's history after its last one. The caller holds the chat's lock. */
export async function appendItems(tx: Queryable, chatId: string, items: UpstreamItem[]) {
  if (items.length === 0) return;
  const [last] = await tx
    .select({ next: sql<number>`coalesce(max(${historyItems.position}), -1) + 1` })
    .from(historyItems)
    .where(eq(historyItems.chatId, chatId));
  const start = Number(last?.next ?? 0);
  await tx.insert(historyItems).values(items.map((item, i) => ({ chatId, position: start + i, item })));
}

export async function loadForks(q: Queryable, chatId: string): Promise<ForkRecord[]> {
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
export async function writeBranch(
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
export async function upsertMessage(tx: Queryable, chatId: string, message: ChatMessage) {
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
export function putMessage(list: ChatMessage[], message: ChatMessage) {
  const at = list.findIndex((m) => m.id === message.id);
  if (at >= 0) list[at] = message;
  else list.push(message);
}

/**
 * The audit rows of the turn's `mcp_approval_response` items. One decision per request and chat: a second
 * one for the same request violates the key and the whole turn is refused (the memory store has no such
 * check; the turn logic refuses answered requests before it gets here).
 */
export async function recordApprovals(
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
export function storableText(text: string): string {
  return text.replaceAll("\0", "\uFFFD");
}
