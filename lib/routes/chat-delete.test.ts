import { beforeAll, describe, expect, it } from "vitest";
import { DELETE } from "./chat-delete";
import { GET } from "./chat-list";
import { askInChat, newSession, runOnFastEmulator } from "./route-testing";

runOnFastEmulator();

const mine = newSession();

const remove = (chatId: string, query = "") =>
  DELETE(
    new Request(`http://localhost/api/chat/${chatId}${query}`, {
      method: "DELETE",
      headers: { cookie: mine },
    }),
    {
      params: Promise.resolve({ id: chatId }),
    },
  );

const listed = async () => {
  const response = await GET(new Request("http://localhost/api/chats", { headers: { cookie: mine } }));
  return ((await response.json()) as { chats: Array<{ id: string }> }).chats.map((chat) => chat.id);
};

describe("DELETE /api/chat/{id}", () => {
  const chatId = "route-delete-1";
  beforeAll(() => askInChat(chatId, "Hello from the delete test", mine), 30_000);

  it("refuses a stop parameter that is neither true nor false, and deletes nothing", async () => {
    const response = await remove(chatId, "?stop=yes");
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: "bad_request", message: 'The "stop" parameter must be true or false. (at stop)' },
    });
    expect(await listed()).toContain(chatId);
  });

  it("deletes a finished chat, with ?stop=false as without it; a second delete is a 404", async () => {
    expect((await remove(chatId, "?stop=false")).status).toBe(204);
    expect(await listed()).not.toContain(chatId);
    const again = await remove(chatId);
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
