import { describe, expect, it } from "vitest";
import { createMemoryChatStore } from "@/lib/db/memory-store";
import { adoptAnonymousChats } from "./anonymous-chats";
import { newSessionValue, SESSION_COOKIE } from "./session-cookie";
import { anonymousUserId } from "./user-id";

const SECRET = "a-test-session-secret-of-32-characters!";
const ADA = { id: "fwd:ada@example.com", email: "ada@example.com" };
const say = (text: string) => () => ({
  message: { id: `m-${text}`, role: "user" as const, parts: [{ type: "text" as const, text }] },
  items: [],
});

describe("a browser's anonymous chats when its person signs in", () => {
  it("become the person's, when the browser's signed session cookie names them", async () => {
    const store = createMemoryChatStore();
    const { uid, value } = newSessionValue(SECRET);
    await store.beginTurn("before-sign-in", "run-1", say("asked anonymously"), {
      create: true,
      owner: { id: anonymousUserId(uid) },
    });
    const headers = new Headers({ cookie: `other=1; ${SESSION_COOKIE}=${value}` });
    expect(await adoptAnonymousChats(ADA, headers, store, SECRET)).toBe(1);
    expect((await store.listChats(ADA.id)).map((chat) => chat.id)).toEqual(["before-sign-in"]);
    expect(await store.listChats(anonymousUserId(uid))).toEqual([]);
  });

  it("stay where they are for a forged or missing cookie (nobody can claim another browser's)", async () => {
    const store = createMemoryChatStore();
    const { uid, value } = newSessionValue(SECRET);
    await store.beginTurn("someone-elses", "run-1", say("not yours"), {
      create: true,
      owner: { id: anonymousUserId(uid) },
    });
    const forged = `${value.slice(0, -2)}xx`;
    for (const cookie of [`${SESSION_COOKIE}=${forged}`, `${SESSION_COOKIE}=${uid}`, ""]) {
      expect(await adoptAnonymousChats(ADA, new Headers({ cookie }), store, SECRET)).toBe(0);
    }
    expect(
      await adoptAnonymousChats(
        ADA,
        new Headers({ cookie: `${SESSION_COOKIE}=${value}` }),
        store,
        "another-secret-of-32-characters-long!",
      ),
    ).toBe(0);
    expect(await store.listChats(ADA.id)).toEqual([]);
  });
});
