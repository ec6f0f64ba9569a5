/**
 * Shared set-up for route tests that run real turns: the embedded emulator (nothing configured), time-scaled so a
 * run takes a fraction of a second, a signed session cookie per person, and a turn sent through `POST /api/chat`.
 */
import { beforeAll, expect } from "vitest";
import { sessionSecret } from "@/lib/auth/secret";
import { newSessionValue, SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { readUIStream } from "@/lib/chat/testing";
import { getChatStore } from "@/lib/db";
import { POST } from "./chat";

/** Call at the top of a test file: the route reads its provider from the environment when first used. */
export function runOnFastEmulator() {
  beforeAll(async () => {
    process.env.EMULATOR_TIME_SCALE = "0.05";
    process.env.SUPERVISOR_POLL_INTERVAL_MS = "100";
    await getChatStore().listChats("anon:test", 1);
  }, 60_000);
}

/** A new person's session cookie (`cookie` header value). */
export const newSession = () => `${SESSION_COOKIE}=${newSessionValue(sessionSecret()).value}`;

/** Send a turn body to `POST /api/chat` as `cookie`, expect it accepted, and read its whole UI stream. */
export async function sendTurn(body: Record<string, unknown>, cookie: string) {
  const response = await POST(
    new Request("http://localhost/api/chat", {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
  expect(response.status).toBe(200);
  return readUIStream(response);
}

/** Ask `text` in chat `chatId` as `cookie`, and read the answer's stream to its end. */
export const askInChat = (chatId: string, text: string, cookie: string) =>
  sendTurn(
    { id: chatId, message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] } },
    cookie,
  );
