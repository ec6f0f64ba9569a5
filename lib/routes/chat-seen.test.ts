import { describe, expect, it } from "vitest";
import { GET } from "./chat-list";
import { POST } from "./chat-seen";
import { askInChat, newSession, runOnFastEmulator } from "./route-testing";

runOnFastEmulator();

const mine = newSession();

const seen = (chatId: string, cookie = mine) =>
  POST(new Request(`http://localhost/api/chat/${chatId}/seen`, { method: "POST", headers: { cookie } }), {
    params: Promise.resolve({ id: chatId }),
  });

const listed = async (chatId: string, cookie = mine) => {
  const response = await GET(new Request("http://localhost/api/chats", { headers: { cookie } }));
  const chats = ((await response.json()) as { chats: Array<{ id: string; unread?: boolean }> }).chats;
  return chats.find((chat) => chat.id === chatId);
};

describe("POST /api/chat/{id}/seen", () => {
  it("clears the chat's unread answer in the history list", async () => {
    await askInChat("route-seen-1", "Hello there", mine);
    // The answer ended after the question was sent: new until the chat is seen.
    expect(await listed("route-seen-1")).toMatchObject({ unread: true });
    const response = await seen("route-seen-1");
    expect(response.status).toBe(204);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await listed("route-seen-1")).not.toHaveProperty("unread");
  });

  it("is a 404 for another person's chat (which stays unread) and a 400 for a malformed id, as JSON", async () => {
    await askInChat("route-seen-2", "Hello again", mine);
    const foreign = await seen("route-seen-2", newSession());
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ error: { code: "not_found" } });
    expect(await listed("route-seen-2")).toMatchObject({ unread: true });
    const malformed = await seen("not a chat id!");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { code: "bad_request" } });
  });
});
