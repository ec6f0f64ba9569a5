import { beforeAll, describe, expect, it } from "vitest";
import { GET } from "./chat-list";
import { PATCH } from "./chat-rename";
import { askInChat, newSession, runOnFastEmulator } from "./route-testing";

runOnFastEmulator();

const session = newSession;
const mine = session();

const ask = (chatId: string, text: string, cookie = mine) => askInChat(chatId, text, cookie);

const rename = (chatId: string, body: unknown, cookie = mine) =>
  PATCH(
    new Request(`http://localhost/api/chat/${chatId}`, {
      method: "PATCH",
      headers: { cookie, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    { params: Promise.resolve({ id: chatId }) },
  );

const list = async (query = "", cookie = mine) => {
  const response = await GET(new Request(`http://localhost/api/chats${query}`, { headers: { cookie } }));
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};
const titles = async (query = "") =>
  ((await list(query)).body.chats as Array<{ id: string; title: string; snippet?: string }>) ?? [];

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe("PATCH /api/chat/{id}", () => {
  const chatId = "route-rename-1";
  beforeAll(() => ask(chatId, "Hello from the rename test"), 30_000);

  it("renames the chat (tidied to one trimmed line) and the list shows the new title", async () => {
    const response = await rename(chatId, { title: "  Sales\n review\t2026  " });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: chatId, title: "Sales review 2026" });
    expect((await titles()).find((c) => c.id === chatId)?.title).toBe("Sales review 2026");
  });

  it.each([
    ["an empty title", { title: "   " }, 400, "The title cannot be empty."],
    ["a title over 200 characters", { title: "x".repeat(201) }, 400, "longer than 200 characters"],
    ["a title that is not text", { title: 42 }, 400, "The title must be text."],
    ["no title", {}, 400, "title"],
    ["another field", { title: "ok", pinned: true }, 400, "pinned"],
    ["invalid JSON", "{ title:", 400, "not valid JSON"],
  ])("refuses %s with a readable 4xx, changing nothing", async (_label, body, status, message) => {
    const before = (await titles()).find((c) => c.id === chatId)?.title;
    const response = await rename(chatId, body);
    expect(response.status).toBe(status);
    expect((await errorOf(response)).message).toContain(message);
    expect((await titles()).find((c) => c.id === chatId)?.title).toBe(before);
  });

  it("is a 404 for another person's chat and for one that does not exist, a 400 for a bad id", async () => {
    const before = (await titles()).find((c) => c.id === chatId)?.title;
    for (const response of [
      await rename(chatId, { title: "Taken over" }, session()),
      await rename("no-such-chat", { title: "Nowhere" }),
    ]) {
      expect(response.status).toBe(404);
      expect(await errorOf(response)).toMatchObject({ code: "not_found" });
    }
    expect((await titles()).find((c) => c.id === chatId)?.title).toBe(before);
    expect((await rename("bad.id", { title: "x" })).status).toBe(400);
    expect((await rename(chatId, { title: "x" }, "")).status).toBe(401);
  });
});

describe("GET /api/chats?q=", () => {
  beforeAll(async () => {
    // The emulator's plain answer quotes the question: the answer holds the question's words too.
    await ask("route-search-1", "Tell me about the zanzibar quarterly plan");
    await ask("route-search-2", "Something about 100% of the sales_total");
    await ask("route-search-other", "My private zanzibar notes", session());
  }, 60_000);

  it("finds the person's chats by title or message text, ignoring case; blank lists everything", async () => {
    expect((await titles("?q=ZANZIBAR")).map((c) => c.id)).toEqual(["route-search-1"]);
    expect((await titles("?q=100%25")).map((c) => c.id)).toEqual(["route-search-2"]);
    expect((await titles("?q=100_")).map((c) => c.id)).toEqual([]);
    expect((await titles("?q=%20%20")).length).toBe((await titles()).length);
  });

  it("shows a snippet of the answer when only the answer matches", async () => {
    const [found] = await titles("?q=You%20asked");
    expect(found?.snippet).toMatch(/You asked/);
  });

  it.each([
    ["a search over 200 characters", `?q=${"a".repeat(201)}`, "longer than 200 characters"],
    ["q given twice", "?q=a&q=b", '"q" once'],
    ["an unknown parameter", "?query=a", "query"],
  ])("refuses %s with a readable 400", async (_label, query, message) => {
    const { status, body } = await list(query);
    expect(status).toBe(400);
    expect((body.error as { message: string }).message).toContain(message);
  });
});
