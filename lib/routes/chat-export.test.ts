import { beforeAll, describe, expect, it } from "vitest";
import { GET } from "./chat-export";
import { askInChat, newSession, runOnFastEmulator } from "./route-testing";

runOnFastEmulator();

const session = newSession;
const mine = session();

const ask = (chatId: string, text: string) => askInChat(chatId, text, mine);

const exportOf = (chatId: string, query: string, cookie = mine) =>
  GET(new Request(`http://localhost/api/chat/${chatId}/export${query}`, { headers: { cookie } }), {
    params: Promise.resolve({ id: chatId }),
  });

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe("GET /api/chat/{id}/export", () => {
  const chatId = "route-export-1";
  beforeAll(() => ask(chatId, 'What is a "lakehouse"?'), 30_000);

  it("downloads the chat as Markdown and as JSON, named after its title", async () => {
    const markdown = await exportOf(chatId, "?format=markdown");
    expect(markdown.status).toBe(200);
    expect(markdown.headers.get("content-type")).toBe("text/markdown; charset=utf-8");
    expect(markdown.headers.get("content-disposition")).toBe('attachment; filename="What is a lakehouse.md"');
    expect(markdown.headers.get("cache-control")).toBe("no-store");
    const text = await markdown.text();
    expect(text).toContain('## You\n\nWhat is a "lakehouse"?');
    expect(text).toContain('You asked: "What is a "lakehouse"?"');

    const json = await exportOf(chatId, "?format=json");
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(json.headers.get("content-disposition")).toBe('attachment; filename="What is a lakehouse.json"');
    const doc = (await json.json()) as { version: number; messages: Array<{ role: string; text: string }> };
    expect(doc.version).toBe(1);
    expect(doc.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
  });

  it.each([
    ["no format", "", "Choose an export format"],
    ["an unknown format", "?format=pdf", "Choose an export format"],
    ["an unknown parameter", "?format=json&download=1", "download"],
  ])("refuses %s with a 400 that says what to send", async (_label, query, message) => {
    const response = await exportOf(chatId, query);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({
      code: "bad_request",
      message: expect.stringContaining(message),
    });
  });

  it("is a 404 for another person's chat, as reading it is, and for a chat that does not exist", async () => {
    for (const response of [
      await exportOf(chatId, "?format=json", session()),
      await exportOf("no-such-chat", "?format=markdown"),
    ]) {
      expect(response.status).toBe(404);
      expect(await errorOf(response)).toMatchObject({ code: "not_found" });
      expect(response.headers.get("content-disposition")).toBeNull();
    }
  });

  it("is a 401 without a session, and a 400 for a malformed chat id", async () => {
    expect((await exportOf(chatId, "?format=json", "")).status).toBe(401);
    expect((await exportOf("bad.id", "?format=json")).status).toBe(400);
  });
});
