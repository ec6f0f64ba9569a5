import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assistantMessage, ME, outputItem, say, userItem } from "./chat-store.contract";
import { openPglite } from "./drivers";
import { openChatStore } from "./index";
import { migrate } from "./migrate";

describe("PGlite in a directory", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "bac-pglite-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps chats across closing and reopening (the sidebar lists past chats after a restart)", async () => {
    const first = await openChatStore(() => openPglite(dir));
    await first.store.beginTurn("done", "run-1", say("a finished chat"), { create: true, owner: ME });
    await first.store.startRun("done", "run-1", {
      responseId: "resp-1",
      input: [userItem("a finished chat")],
    });
    await first.store.recordItem("done", "run-1", outputItem("out-1"), 1);
    await first.store.finishRun("done", "run-1", "completed", assistantMessage("run-1", "the answer"));
    await first.store.beginTurn("live", "run-2", say("a chat still running"), { create: true, owner: ME });
    await first.store.startRun("live", "run-2", { responseId: "resp-2", input: [] });
    await first.store.recordItem("live", "run-2", outputItem("out-2"), 1);
    const before = {
      list: await first.store.listChats(ME.id),
      done: await first.store.getChat("done"),
      live: await first.store.getChat("live"),
    };
    await first.database.close();

    const second = await openChatStore(() => openPglite(dir));
    try {
      expect(await migrate(second.database.db)).toEqual([]);
      expect(await second.store.listChats(ME.id)).toEqual(before.list);
      expect(before.list.map((c) => [c.id, c.running])).toEqual([
        ["live", true],
        ["done", false],
      ]);
      expect(await second.store.getChat("done")).toEqual(before.done);
      // The run still in flight resumes from its stored cursor.
      expect(await second.store.getChat("live")).toEqual(before.live);
      expect(before.live?.run).toMatchObject({ responseId: "resp-2", cursor: 1, state: "running" });
      await second.store.recordItem("live", "run-2", outputItem("out-2"), 1);
      expect((await second.store.getChat("live"))?.history).toHaveLength(2);
    } finally {
      await second.database.close();
    }
  }, 60_000);

  it("refuses a second opener of the same directory while it is open, and takes over a stale lock", async () => {
    const data = path.join(dir, "locked");
    const lock = `${data}.lock`;
    const first = await openPglite(data);
    try {
      expect(readFileSync(lock, "utf8").trim()).toBe(String(process.pid));
      await expect(openPglite(data)).rejects.toThrow(/in use by process \d+.*PGLITE_DIR/s);
    } finally {
      await first.close();
    }
    expect(existsSync(lock)).toBe(false);

    // A lock left by a process that is gone (a crash) does not keep the server from starting.
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    writeFileSync(lock, gone.stdout);
    const again = await openPglite(data);
    expect(readFileSync(lock, "utf8").trim()).toBe(String(process.pid));
    await again.close();
  }, 60_000);
});
