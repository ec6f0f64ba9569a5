import { describe, expect, it } from "vitest";
import { GET } from "./chat-usage";
import { askInChat, newSession, runOnFastEmulator } from "./route-testing";

runOnFastEmulator();

const session = newSession;
const mine = session();

const ask = (chatId: string, text: string) => askInChat(chatId, text, mine);

const usageOfChat = (chatId: string, cookie = mine) =>
  GET(new Request(`http://localhost/api/chat/${chatId}/usage`, { headers: { cookie } }), {
    params: Promise.resolve({ id: chatId }),
  });

describe("GET /api/chat/{id}/usage", () => {
  it("adds up the chat's answers from what was stored, and grows with each finished answer", async () => {
    const chatId = "route-usage-1";
    await ask(chatId, "A quick question about revenue");
    const one = await usageOfChat(chatId);
    expect(one.status).toBe(200);
    expect(one.headers.get("cache-control")).toBe("no-store");
    const first = (await one.json()) as Record<string, unknown> & {
      tokens: { input: number; output: number };
    };
    expect(first).toMatchObject({ answers: 1, measured: 1, cycles: 1, toolCalls: 0, running: false });
    expect(first.durationMs).toBeGreaterThan(0);
    expect(first.tokens.output).toBeGreaterThan(0);

    await ask(chatId, "What time is it in Tokyo?");
    const second = (await (await usageOfChat(chatId)).json()) as typeof first;
    expect(second).toMatchObject({ answers: 2, measured: 2, cycles: 3, toolCalls: 1 });
    expect(second.tokens.input).toBeGreaterThan(first.tokens.input);
  });

  it("is a 404 for another person's chat and a 400 for a malformed id, as JSON", async () => {
    await ask("route-usage-2", "Hello there");
    const foreign = await usageOfChat("route-usage-2", session());
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as { error: { message: string } }).error.message).toMatch(/no chat/);
    const malformed = await usageOfChat("not a chat id!");
    expect(malformed.status).toBe(400);
  });
});
