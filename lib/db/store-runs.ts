import { awaitsApproval } from "@/lib/shared/chat";
// The database store's runs: start one, claim its next cycle, check and record its progress, finish it, and
// the approvals it recorded.

import { and, asc, eq, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { DbChatStore } from "./chat-store";
import {
  CYCLE_CLAIM_TTL_MS,
  FORGET_INSTANCES_AFTER_MS,
  FORGET_WEBHOOKS_AFTER_MS,
  type RunState,
} from "./chat-store";
import { type AnyPgDatabase, rowsOf } from "./migrate";
import { approvals, chats, runs } from "./schema";
import { appendItems, chatLocker, currentRun, latestRunId, storableText, upsertMessage } from "./store-rows";

export function runMethods(
  db: AnyPgDatabase,
): Pick<
  DbChatStore,
  | "startRun"
  | "claimNextCycle"
  | "markCreateSent"
  | "checkRun"
  | "checkRuns"
  | "listOpenRuns"
  | "heartbeat"
  | "followRun"
  | "claimOrphanedRuns"
  | "findOpenRun"
  | "receiveWebhook"
  | "forgetWebhook"
  | "setConversationId"
  | "appendHistory"
  | "recordItem"
  | "finishRun"
  | "listApprovals"
> {
  const withChatLocked = chatLocker(db);
  return {
    async startRun(chatId, runId, upstream, after) {
      let started = false;
      await withChatLocked(chatId, async (tx) => {
        const run = await currentRun(tx, chatId, runId);
        if (run?.state !== "running") return;
        if (after !== undefined && !atCycle(run, after)) return;
        await tx
          .update(runs)
          .set({ responseId: upstream.responseId, input: upstream.input, cursor: 0, createSentAt: null })
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
            openRunOn(chatId, runId, afterResponseId),
            or(
              isNull(runs.claimedAfter),
              ne(runs.claimedAfter, afterResponseId),
              and(lt(runs.claimedAt, now - CYCLE_CLAIM_TTL_MS), isNull(runs.createSentAt)),
            ),
          ),
        )
        .returning({ id: runs.id });
      if (claimed.length > 0) return "claimed";
      const [held] = await db
        .select({ claimedAt: runs.claimedAt, createSentAt: runs.createSentAt })
        .from(runs)
        .where(and(openRunOn(chatId, runId, afterResponseId), eq(runs.claimedAfter, afterResponseId)));
      return held?.createSentAt != null && Number(held.claimedAt) < now - CYCLE_CLAIM_TTL_MS
        ? "interrupted"
        : "held";
    },

    async markCreateSent(chatId, runId, afterResponseId) {
      // One conditional UPDATE is the compare-and-set: of streams racing to send the create, one marks it.
      const marked = await db
        .update(runs)
        .set({ createSentAt: Date.now() })
        .where(
          and(
            eq(runs.id, latestRunId(chatId)),
            eq(runs.runId, runId),
            eq(runs.state, "running"),
            isNull(runs.createSentAt),
            afterResponseId === null
              ? isNull(runs.responseId)
              : and(eq(runs.responseId, afterResponseId), eq(runs.claimedAfter, afterResponseId)),
          ),
        )
        .returning({ id: runs.id });
      return marked.length > 0;
    },

    async checkRun(chatId, runId, polls) {
      const [row] = await db
        .update(runs)
        .set({ pollCount: sql`${runs.pollCount} + ${Math.max(0, Math.floor(polls))}` })
        .where(and(eq(runs.id, latestRunId(chatId)), eq(runs.runId, runId)))
        .returning({ state: runs.state, responseId: runs.responseId, follower: runs.follower });
      if (!row) return undefined;
      return {
        state: row.state as RunState,
        ...(row.responseId !== null ? { responseId: row.responseId } : {}),
        ...(row.follower !== null ? { follower: row.follower } : {}),
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
          select asked.chat_id, asked.run_id, asked.polls, latest.id, latest.state, latest.response_id,
            latest.follower
          from asked
          join lateral (
            select r.id, r.run_id, r.state, r.response_id, r.follower from runs r
            where r.chat_id = asked.chat_id order by r.id desc limit 1
          ) latest on latest.run_id = asked.run_id
        ),
        counted as (
          update runs set poll_count = runs.poll_count + current_runs.polls
          from current_runs where runs.id = current_runs.id and current_runs.polls > 0
          returning runs.id
        )
        select chat_id, run_id, state, response_id, follower from current_runs`);
      type Row = {
        chat_id: string;
        run_id: string;
        state: string;
        response_id: string | null;
        follower: string | null;
      };
      const found = new Map(rowsOf<Row>(result).map((row) => [key(row.chat_id, row.run_id), row]));
      return checks.map(({ chatId, runId }) => {
        const row = found.get(key(chatId, runId));
        if (!row) return undefined;
        return {
          state: row.state as RunState,
          ...(row.response_id !== null ? { responseId: row.response_id } : {}),
          ...(row.follower !== null ? { follower: row.follower } : {}),
        };
      });
    },

    async listOpenRuns() {
      // Read when a server starts: a scan of the runs still marked running, each its chat's latest.
      const result = await db.execute(sql`
        select r.chat_id, c.user_id as owner_id, r.run_id
        from runs r join chats c on c.id = r.chat_id
        where r.state = 'running' and c.user_id is not null
          and r.id = (select l.id from runs l where l.chat_id = r.chat_id order by l.id desc limit 1)`);
      type Row = { chat_id: string; owner_id: string; run_id: string };
      return rowsOf<Row>(result).map((row) => ({
        chatId: row.chat_id,
        ownerId: row.owner_id,
        runId: row.run_id,
      }));
    },

    async heartbeat(instanceId) {
      // Instances long gone are forgotten as others heartbeat (serverless ones come and go all day).
      const now = Date.now();
      await db.execute(sql`
        with forgotten as (delete from server_instances where seen_at < ${now - FORGET_INSTANCES_AFTER_MS})
        insert into server_instances (id, seen_at) values (${instanceId}, ${now})
        on conflict (id) do update set seen_at = excluded.seen_at`);
    },

    async followRun(chatId, runId, instanceId, unlessAliveSince) {
      const free =
        unlessAliveSince === undefined
          ? sql`true`
          : sql`(runs.follower is null or runs.follower = ${instanceId} or not exists (
              select 1 from server_instances i where i.id = runs.follower and i.seen_at >= ${unlessAliveSince}))`;
      const result = await db.execute(sql`
        update runs set follower = ${instanceId}
        where id = ${latestRunId(chatId)} and run_id = ${runId} and state = 'running' and ${free}
        returning id`);
      return rowsOf(result).length > 0;
    },

    async claimOrphanedRuns(instanceId, staleBefore, limit) {
      // Locked and skipped: instances sweeping at the same time each take different runs.
      const result = await db.execute(sql`
        with orphaned as (
          select r.id from runs r
          where r.state = 'running' and r.started_at < ${staleBefore}
            and r.id = (select l.id from runs l where l.chat_id = r.chat_id order by l.id desc limit 1)
            and (r.follower is null or not exists (
              select 1 from server_instances i where i.id = r.follower and i.seen_at >= ${staleBefore}))
          order by r.id
          limit ${Math.max(0, Math.floor(limit))}
          for update of r skip locked
        )
        update runs set follower = ${instanceId}
        from orphaned, chats c
        where runs.id = orphaned.id and c.id = runs.chat_id and c.user_id is not null
        returning runs.chat_id, c.user_id as owner_id, runs.run_id`);
      type Row = { chat_id: string; owner_id: string; run_id: string };
      return rowsOf<Row>(result).map((row) => ({
        chatId: row.chat_id,
        ownerId: row.owner_id,
        runId: row.run_id,
      }));
    },

    async findOpenRun(responseId) {
      const result = await db.execute(sql`
        select r.chat_id, c.user_id as owner_id, r.run_id
        from runs r join chats c on c.id = r.chat_id
        where r.state = 'running' and r.response_id = ${responseId} and c.user_id is not null
          and r.id = (select l.id from runs l where l.chat_id = r.chat_id order by l.id desc limit 1)`);
      type Row = { chat_id: string; owner_id: string; run_id: string };
      const row = rowsOf<Row>(result)[0];
      return row && { chatId: row.chat_id, ownerId: row.owner_id, runId: row.run_id };
    },

    async receiveWebhook(deliveryId) {
      const now = Date.now();
      const result = await db.execute(sql`
        with forgotten as (delete from webhook_deliveries where received_at < ${now - FORGET_WEBHOOKS_AFTER_MS})
        insert into webhook_deliveries (id, received_at) values (${deliveryId}, ${now})
        on conflict (id) do nothing
        returning id`);
      return rowsOf(result).length > 0;
    },

    async forgetWebhook(deliveryId) {
      await db.execute(sql`delete from webhook_deliveries where id = ${deliveryId}`);
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
          const asking = state === "completed" && !!assistantMessage && awaitsApproval(assistantMessage);
          await tx
            .update(runs)
            .set({
              state,
              finishedAt: now,
              awaitsApproval: asking,
              ...(error ? { error: storableText(error) } : {}),
            })
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

/** Whether `run` is at its first cycle (`after` null) or on response `after` with that cycle's claim. */
function atCycle(
  run: { responseId: string | null; claimedAfter: string | null },
  after: string | null,
): boolean {
  return after === null ? run.responseId === null : run.responseId === after && run.claimedAfter === after;
}

/** The chat's current run `runId`, in progress on response `responseId`. */
function openRunOn(chatId: string, runId: string, responseId: string) {
  return and(
    eq(runs.id, latestRunId(chatId)),
    eq(runs.runId, runId),
    eq(runs.state, "running"),
    eq(runs.responseId, responseId),
  );
}
