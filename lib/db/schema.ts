/**
 * The database schema (drizzle). Timestamps are epoch milliseconds in `bigint` columns, exactly as the API
 * carries them. JSON columns are JSONB: key order and duplicate keys are not preserved (values are).
 *
 * Change it, then run `npm run db:generate` to write the next SQL migration and embed it in
 * `migrations/index.ts` (which is what the app applies at start; it never reads the .sql files at run time).
 * Imports here are type-only so that drizzle-kit can load this file without the app's path aliases.
 */

import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { ChatMessage } from "@/lib/shared/chat";
import type { UpstreamItem } from "@/lib/shared/upstream";
import type { ForkRecord } from "./branches";

/** Epoch milliseconds. */
const epochMs = (name: string) => bigint(name, { mode: "number" });

/**
 * JSONB holding app data. Postgres refuses the NUL character in JSONB strings, so NULs (which upstream text
 * can carry in principle) are written as U+FFFD rather than failing the whole write.
 */
const json = <T>(name: string) =>
  customType<{ data: T; driverData: string }>({
    dataType: () => "jsonb",
    toDriver: (value) => toJsonText(value),
    fromDriver: (value) => (typeof value === "string" ? (JSON.parse(value) as T) : (value as T)),
  })(name);

/** JSON text of a value, with every NUL escape (not an escaped backslash before `u0000`) made U+FFFD. */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? "null";
  return text.includes("\\u0000") ? text.replace(/(?<!\\)((?:\\\\)*)\\u0000/g, "$1\\ufffd") : text;
}

/**
 * The people chats belong to. `id` is the app's user id (`anon:…` from the signed session cookie, `fwd:…` from
 * a trusted proxy's forwarded e-mail); `email` is known only for the latter.
 */
export const users = pgTable("users", {
  id: text("id").primaryKey(),
  email: text("email").unique(),
  createdAt: epochMs("created_at").notNull(),
});

export const chats = pgTable(
  "chats",
  {
    id: text("id").primaryKey(),
    /** Owner. Null only for chats made before identity existed: nobody sees those. */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    createdAt: epochMs("created_at").notNull(),
    updatedAt: epochMs("updated_at").notNull(),
    /**
     * The id the agent knows this chat's conversation by, when it is not the chat id: a LongRunningAgentServer
     * moves a conversation to a new id when it recovers a crashed run (docs/upstreams.md).
     */
    agentConversationId: text("agent_conversation_id"),
    /** When the person last had the chat in front of them (sent in it, or saw a run end there). */
    seenAt: epochMs("seen_at"),
  },
  (t) => [
    index("chats_updated_at_idx").on(t.updatedAt.desc()),
    index("chats_user_id_updated_at_idx").on(t.userId, t.updatedAt.desc()),
  ],
);

/** The UI transcript, in `position` order. */
export const messages = pgTable(
  "messages",
  {
    chatId: text("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    id: text("id").notNull(),
    position: integer("position").notNull(),
    role: text("role").$type<ChatMessage["role"]>().notNull(),
    parts: json<ChatMessage["parts"]>("parts").notNull(),
    /** The UI message's `metadata`, when it has one. */
    metadata: json<unknown>("metadata"),
  },
  (t) => [
    primaryKey({ columns: [t.chatId, t.id] }),
    uniqueIndex("messages_chat_id_position_idx").on(t.chatId, t.position),
  ],
);

/** The upstream history, in `position` order; append-only. */
export const historyItems = pgTable(
  "history_items",
  {
    chatId: text("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    item: json<UpstreamItem>("item").notNull(),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.position] })],
);

/**
 * Every run a chat has had; the chat's current run is its latest row (highest `id`). A run id can repeat in
 * one chat: an approval turn continues the assistant message (and so the run id) that asked for it.
 */
export const runs = pgTable(
  "runs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    runId: text("run_id").notNull(),
    chatId: text("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    responseId: text("response_id"),
    state: text("state").notNull(),
    cursor: integer("cursor").notNull().default(0),
    startedAt: epochMs("started_at").notNull(),
    finishedAt: epochMs("finished_at"),
    pollCount: integer("poll_count").notNull().default(0),
    error: text("error"),
    /** The response whose next cycle a stream has claimed (see ChatStore.claimNextCycle), and when. */
    claimedAfter: text("claimed_after"),
    claimedAt: epochMs("claimed_at"),
    /**
     * When the claimed next cycle's create was sent, by a provider that names no run before it answers: from then
     * on the run may only go on with the response id that create returns (`startRun` clears this). See
     * ChatStore.claimNextCycle.
     */
    createSentAt: epochMs("create_sent_at"),
    input: json<UpstreamItem[]>("input").notNull(),
    /**
     * The server instance following the run (`server_instances`): a browser's stream there, or the server
     * itself with nobody watching. A run whose follower stopped heartbeating is taken over by another instance.
     */
    follower: text("follower"),
    /** The run ended with approval requests a person has yet to decide. */
    awaitsApproval: boolean("awaits_approval").notNull().default(false),
  },
  (t) => [
    index("runs_chat_id_id_idx").on(t.chatId, t.id.desc()),
    index("runs_running_idx").on(t.chatId).where(sql`${t.state} = 'running'`),
    // A webhook names the response only: the run it belongs to is found by it.
    index("runs_running_response_idx").on(t.responseId).where(sql`${t.state} = 'running'`),
  ],
);

/**
 * Browsers that asked to be told when a run of their person's ends with no tab open (Web Push), by endpoint: a
 * browser has one, and it is the person's who subscribed last on it.
 */
export const pushSubscriptions = pgTable(
  "push_subscriptions",
  {
    endpoint: text("endpoint").primaryKey(),
    userId: text("user_id").notNull(),
    p256dh: text("p256dh").notNull(),
    auth: text("auth").notNull(),
    createdAt: epochMs("created_at").notNull(),
  },
  (t) => [index("push_subscriptions_user_id_idx").on(t.userId)],
);

/**
 * Every run a person started (a new answer: a message, an edit, a regenerate; an approval or a retry goes on
 * with its answer's run), kept apart from the chats so that deleting a chat does not give its runs back: what
 * the runs-per-day limit counts (RunLimits in chat-store.ts).
 */
export const runStarts = pgTable(
  "run_starts",
  {
    userId: text("user_id").notNull(),
    runId: text("run_id").notNull(),
    startedAt: epochMs("started_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.runId] }),
    index("run_starts_user_id_started_at_idx").on(t.userId, t.startedAt),
  ],
);

/** Webhook deliveries received (their `webhook-id`), so a replayed one is refused; forgotten after a day. */
export const webhookDeliveries = pgTable("webhook_deliveries", {
  id: text("id").primaryKey(),
  receivedAt: epochMs("received_at").notNull(),
});

/** The server instances sharing the database, each with when it last said it is alive (every second). */
export const serverInstances = pgTable("server_instances", {
  id: text("id").primaryKey(),
  seenAt: epochMs("seen_at").notNull(),
});

/** Audit log of MCP approval decisions, written with the `mcp_approval_response` items of a turn. */
export const approvals = pgTable(
  "approvals",
  {
    chatId: text("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    approvalRequestId: text("approval_request_id").notNull(),
    /** The run the decision continued. */
    runId: text("run_id").notNull(),
    approve: boolean("approve").notNull(),
    reason: text("reason"),
    decidedAt: epochMs("decided_at").notNull(),
    /** The user who decided (null for decisions recorded before identity existed). */
    decidedBy: text("decided_by"),
  },
  (t) => [primaryKey({ columns: [t.chatId, t.approvalRequestId] })],
);

/**
 * The versions of a chat (edit and resend, regenerate): the forks on its active branch, each with the
 * versions set aside there (lib/db/branches.ts). One row per chat that has any, read and written whole under
 * the chat's row lock; the active branch itself stays in `messages` and `history_items`.
 */
export const chatForks = pgTable("chat_forks", {
  chatId: text("chat_id")
    .primaryKey()
    .references(() => chats.id, { onDelete: "cascade" }),
  forks: json<ForkRecord[]>("forks").notNull(),
});

export * from "./auth-schema";
