import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { ME, say } from "./chat-store.contract";
import { closeChatStore, getChatStore } from "./index";

describe("getChatStore", () => {
  const root = mkdtempSync(path.join(tmpdir(), "bac-store-"));
  const saved = { DATABASE_URL: process.env.DATABASE_URL, PGLITE_DIR: process.env.PGLITE_DIR };
  beforeEach(() => {
    delete process.env.DATABASE_URL;
    delete process.env.PGLITE_DIR;
  });
  afterEach(async () => {
    await closeChatStore();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("says embedded PGlite is process-local and PostgreSQL is not (other instances may stop its runs)", async () => {
    process.env.PGLITE_DIR = path.join(root, "local");
    expect(getChatStore().processLocal).toBe(true);
    await closeChatStore();
    process.env.DATABASE_URL = "postgres://nobody@127.0.0.1:1/none";
    expect(getChatStore().processLocal).toBe(false);
  });

  it("is one store per process, opened (PGlite in PGLITE_DIR) and migrated on first use only", async () => {
    const dir = path.join(root, "data");
    process.env.PGLITE_DIR = dir;
    const store = getChatStore();
    expect(getChatStore()).toBe(store);
    expect(existsSync(dir)).toBe(false); // nothing opened or written until a method is called
    const [list, chat] = await Promise.all([
      store.listChats(ME.id),
      store.beginTurn("first", "run-1", say("hello"), { create: true, owner: ME }),
    ]);
    expect(list.length === 0 || list[0]?.id === "first").toBe(true);
    expect(chat.title).toBe("hello");
    expect(existsSync(dir)).toBe(true);
    await store.finishRun("first", "run-1", "completed");

    await closeChatStore();
    const reopened = getChatStore();
    expect(reopened).not.toBe(store);
    expect((await reopened.listChats(ME.id)).map((c) => [c.id, c.running])).toEqual([["first", false]]);
  }, 60_000);

  it("uses DATABASE_URL when set, and retries a failed start on the next call", async () => {
    process.env.DATABASE_URL = "postgres://nobody:nothing@127.0.0.1:9/none";
    process.env.PGLITE_DIR = path.join(root, "unused");
    const store = getChatStore();
    await expect(store.listChats(ME.id)).rejects.toThrow();
    expect(existsSync(path.join(root, "unused"))).toBe(false);
    // The failure is not kept: the next call opens again (here PGlite, once DATABASE_URL is gone).
    delete process.env.DATABASE_URL;
    process.env.PGLITE_DIR = "memory://";
    expect(await store.getChat("x")).toBeUndefined();
    expect(getChatStore()).toBe(store);
  }, 60_000);
});
