/**
 * The database store's suite: the ChatStore contract on a freshly migrated database plus what only the
 * database implementation promises (migrations, the approvals audit log, cascades, NUL handling).
 * `open` must give an empty database each time (PGlite in memory, or a fresh PostgreSQL schema).
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbChatStore } from "./chat-store";
import { ChatBusyError } from "./chat-store";
import {
  assistantMessage,
  describeChatStore,
  ME,
  outputItem,
  say,
  uniqueId,
  userItem,
} from "./chat-store.contract";
import { createDbChatStore } from "./db-store";
import type { Database } from "./drivers";
import { migrate, rowsOf } from "./migrate";
import { MIGRATIONS } from "./migrations";
import { chats, users } from "./schema";

export function describeDbChatStore(name: string, open: () => Promise<Database>) {
  describe(name, () => {
    let database: Database;
    let store: DbChatStore;
    let firstMigrations: string[][];

    beforeAll(async () => {
      database = await open();
      // Three migrators starting at once on an empty database (three pool connections on PostgreSQL).
      firstMigrations = await Promise.all([migrate(database.db), migrate(database.db), migrate(database.db)]);
      store = createDbChatStore(database.db);
    }, 120_000);
    afterAll(async () => {
      await database?.close();
    }, 30_000);

    describeChatStore("database store", () => ({
      store,
      approvals: (chatId) => store.listApprovals(chatId),
    }));

    /** How many rows of `table` belong to the chat. */
    const count = async (table: string, chatId: string) => {
      const result = await database.db.execute(
        sql`select count(*)::int as n from ${sql.identifier(table)} where chat_id = ${chatId}`,
      );
      return rowsOf<{ n: number }>(result)[0]?.n;
    };

    describe("database", () => {
      it("applies each migration once, however many migrators start together or again", async () => {
        const names = MIGRATIONS.map((m) => m.name);
        expect(firstMigrations.filter((applied) => applied.length > 0)).toEqual([names]);
        expect(await migrate(database.db)).toEqual([]);
        const recorded = rowsOf<{ name: string }>(
          await database.db.execute(sql`select name from schema_migrations order by name`),
        );
        expect(recorded.map((r) => r.name)).toEqual(names);
      });

      it("keeps every run of a chat and answers with the latest", async () => {
        const chatId = uniqueId("chat");
        const first = uniqueId("run");
        const second = uniqueId("run");
        await store.beginTurn(chatId, first, say("one"), { create: true, owner: ME });
        await store.finishRun(chatId, first, "completed", assistantMessage(first, "1"));
        await store.beginTurn(chatId, second, say("two"), { create: false, owner: ME });
        expect(await count("runs", chatId)).toBe(2);
        expect((await store.getChat(chatId))?.run).toMatchObject({ runId: second, state: "running" });
      });

      it("refuses a second decision on the same approval request, storing nothing of that turn", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("approve?"), { create: true, owner: ME });
        await store.finishRun(chatId, runId, "completed", assistantMessage(runId, "may I?"));
        const decision = { type: "mcp_approval_response", approval_request_id: "mcpr_1", approve: true };
        await store.beginTurn(chatId, runId, () => ({ items: [decision] }), { create: false, owner: ME });
        await store.finishRun(chatId, runId, "completed");
        const before = await store.getChat(chatId);
        await expect(
          store.beginTurn(chatId, runId, () => ({ items: [{ ...decision, approve: false }] }), {
            create: false,
            owner: ME,
          }),
        ).rejects.toThrow();
        expect(await store.getChat(chatId)).toEqual(before);
        expect(await store.listApprovals(chatId)).toEqual([expect.objectContaining({ approve: true })]);
      });

      it("deletes a chat's rows in every table", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        await store.beginTurn(chatId, runId, say("x"), { create: true, owner: ME });
        await store.recordItem(chatId, runId, outputItem("a"), 1);
        await store.finishRun(chatId, runId, "completed", assistantMessage(runId, "y"));
        await store.beginTurn(
          chatId,
          runId,
          () => ({ items: [{ type: "mcp_approval_response", approval_request_id: "r", approve: false }] }),
          { create: false, owner: ME },
        );
        const tables = ["messages", "history_items", "runs", "approvals"];
        for (const table of tables) expect(await count(table, chatId)).toBeGreaterThan(0);
        await store.deleteChat(chatId);
        for (const table of tables) expect(await count(table, chatId)).toBe(0);
      });

      it("deletes a user's chats with the user", async () => {
        const userId = uniqueId("user");
        const chatId = uniqueId("chat");
        await database.db
          .insert(users)
          .values({ id: userId, email: `${userId}@example.com`, createdAt: Date.now() });
        await store.beginTurn(chatId, uniqueId("run"), say("mine"), { create: true, owner: ME });
        await database.db.update(chats).set({ userId }).where(sql`${chats.id} = ${chatId}`);
        await database.db.delete(users).where(sql`${users.id} = ${userId}`);
        expect(await store.getChat(chatId)).toBeUndefined();
      });

      it("stores text with NUL characters (which Postgres refuses) with U+FFFD in their place", async () => {
        const chatId = uniqueId("chat");
        const runId = uniqueId("run");
        const withNul = {
          type: "message",
          role: "user",
          content: [{ type: "input_text", text: "a\u0000b" }],
        };
        await store.beginTurn(
          chatId,
          runId,
          () => ({
            message: { id: uniqueId("u"), role: "user", parts: [{ type: "text", text: "t\u0000itle" }] },
            items: [withNul],
          }),
          { create: true, owner: ME },
        );
        await store.recordItem(
          chatId,
          runId,
          { type: "x", "key\u0000": "v\u0000", n: "\\u0000 stays text" },
          1,
        );
        await store.finishRun(chatId, runId, "failed", assistantMessage(runId, "nul\u0000"), "err\u0000or");
        const chat = await store.getChat(chatId);
        expect(chat?.title).toBe("t\uFFFDitle");
        expect(chat?.history).toEqual([
          userItem("a\uFFFDb"),
          { type: "x", "key\uFFFD": "v\uFFFD", n: "\\u0000 stays text" },
        ]);
        expect(chat?.messages[1]).toEqual(assistantMessage(runId, "nul\uFFFD"));
        expect(chat?.run?.error).toBe("err\uFFFDor");
      });

      it("still refuses a busy chat after a refused turn rolled back", async () => {
        const chatId = uniqueId("chat");
        await store.beginTurn(chatId, uniqueId("run"), say("busy"), { create: true, owner: ME });
        await expect(
          store.beginTurn(chatId, uniqueId("run"), say("again"), { create: true, owner: ME }),
        ).rejects.toBeInstanceOf(ChatBusyError);
        expect(await count("runs", chatId)).toBe(1);
      });
    });
  });
}
