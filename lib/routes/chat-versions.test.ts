import { beforeAll, describe, expect, it } from "vitest";
import { getChatStore } from "@/lib/db";
import type { ChatMessage, MessageVersions } from "@/lib/shared/chat";
import { GET, POST } from "./chat-versions";
import { newSession, runOnFastEmulator, sendTurn } from "./route-testing";

runOnFastEmulator();

const session = newSession;
const mine = session();

const turn = (body: Record<string, unknown>) => sendTurn(body, mine);

const params = (chatId: string) => ({ params: Promise.resolve({ id: chatId }) });

const switchTo = (chatId: string, body: unknown, cookie = mine) =>
  POST(
    new Request(`http://localhost/api/chat/${chatId}/versions`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    params(chatId),
  );

const versionsOf = async (chatId: string, cookie = mine) =>
  GET(new Request(`http://localhost/api/chat/${chatId}/versions`, { headers: { cookie } }), params(chatId));

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe("/api/chat/{id}/versions", () => {
  const chatId = "route-versions-1";
  let question = "";
  let answer = "";
  beforeAll(async () => {
    question = crypto.randomUUID();
    const first = await turn({
      id: chatId,
      message: { id: question, role: "user", parts: [{ type: "text", text: "What is a lakehouse?" }] },
    });
    answer = first[0]?.type === "start" ? (first[0].messageId ?? "") : "";
    await turn({ id: chatId, regenerate: { messageId: answer } });
  }, 30_000);

  it("lists the versions a regenerate left and switches back to the first answer", async () => {
    const listed = (await (await versionsOf(chatId)).json()) as { versions: MessageVersions };
    expect(Object.values(listed.versions)).toEqual([{ current: 2, count: 2 }]);

    const switched = await switchTo(chatId, { messageId: Object.keys(listed.versions)[0], version: 1 });
    expect(switched.status).toBe(200);
    const body = (await switched.json()) as { messages: ChatMessage[]; versions: MessageVersions };
    expect(body.messages.map((m) => m.id)).toEqual([question, answer]);
    expect(body.versions).toEqual({ [answer]: { current: 1, count: 2 } });
  });

  it.each([
    ["not JSON", "{nope", 400, "not valid JSON"],
    ["no version", { messageId: "m" }, 400, "version must be a whole number"],
    ["version 0", { messageId: "m", version: 0 }, 400, "version must be a whole number from 1"],
    ["a fractional version", { messageId: "m", version: 1.5 }, 400, "whole number"],
    ["an unknown field", { messageId: "m", version: 1, messages: [] }, 400, "Unrecognized key"],
    ["an unknown message", { messageId: "nope", version: 1 }, 404, "There is no such message in this chat."],
    ["a version that is not there", { messageId: "ANSWER", version: 3 }, 404, "has 2 versions, not 3"],
  ])("refuses %s, changing nothing", async (_label, raw, status, message) => {
    const before = await getChatStore().getChat(chatId);
    const body = typeof raw === "object" && raw.messageId === "ANSWER" ? { ...raw, messageId: answer } : raw;
    const response = await switchTo(chatId, body);
    expect(response.status).toBe(status);
    expect((await errorOf(response)).message).toContain(message);
    expect(await getChatStore().getChat(chatId)).toEqual(before);
  });

  it("is a 404 for another person, as every chat route", async () => {
    const other = session();
    expect((await versionsOf(chatId, other)).status).toBe(404);
    const refused = await switchTo(chatId, { messageId: answer, version: 1 }, other);
    expect(refused.status).toBe(404);
    expect(await errorOf(refused)).toEqual({ code: "not_found", message: "There is no such chat." });
  });
});
