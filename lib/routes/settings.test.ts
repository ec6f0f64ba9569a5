import { beforeAll, describe, expect, it } from "vitest";
import { sessionSecret } from "@/lib/auth/secret";
import { newSessionValue, SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { readUIStream, streamedText } from "@/lib/chat/testing";
import { getChatStore } from "@/lib/db";
import { POST } from "./chat";
import { GET as resume } from "./chat-stream";

// The routes read their provider from the environment: nothing set means the embedded emulator.
beforeAll(async () => {
  process.env.EMULATOR_TIME_SCALE = "0.05";
  process.env.SUPERVISOR_POLL_INTERVAL_MS = "100";
  await getChatStore().listChats("anon:test", 1);
}, 60_000);

const owner = newSessionValue(sessionSecret());
const cookie = `${SESSION_COOKIE}=${owner.value}`;

function post(body: Record<string, unknown>) {
  return POST(
    new Request("http://localhost/api/chat", {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}

const turn = (id: string, text: string, settings: Record<string, unknown> = {}) => ({
  id,
  message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] },
  ...settings,
});

describe("run settings sent with a turn", () => {
  it.each([
    [
      "a poll interval outside the choices",
      { pollIntervalMs: 100 },
      "pollIntervalMs must be 2000, 10000 or 30000",
    ],
    ["a poll interval as a string", { pollIntervalMs: "10000" }, "pollIntervalMs must be"],
    ["an unknown reveal speed", { revealSpeed: "warp" }, "revealSpeed must be one of: instant, normal, slow"],
  ])(
    "refuses %s with a 400 that says what is allowed, and stores nothing",
    async (_label, settings, message) => {
      const chatId = `settings-bad-${crypto.randomUUID()}`;
      const response = await post(turn(chatId, "hello", settings));
      expect(response.status).toBe(400);
      const json = (await response.json()) as { error: { code: string; message: string } };
      expect(json.error).toMatchObject({ code: "bad_request" });
      expect(json.error.message).toContain(message);
      expect(await getChatStore().getChat(chatId)).toBeUndefined();
    },
  );

  it("accepts the allowed choices and answers as usual", async () => {
    const response = await post(
      turn("settings-good", "hello there", { pollIntervalMs: 2000, revealSpeed: "instant" }),
    );
    expect(response.status).toBe(200);
    const chunks = await readUIStream(response);
    expect(streamedText(chunks)).toContain('You asked: "hello there"');
    // Instant: the whole answer in one delta.
    expect(chunks.filter((c) => c.type === "text-delta")).toHaveLength(1);
  });
});

describe("run settings of a resumed stream (query parameters)", () => {
  const get = (chatId: string, query: string) =>
    resume(new Request(`http://localhost/api/chat/${chatId}/stream${query}`, { headers: { cookie } }), {
      params: Promise.resolve({ id: chatId }),
    });

  it("refuses a value outside the choices, or an unknown parameter, with a 400", async () => {
    const bad = await get("settings-good", "?pollIntervalMs=500");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(
      "pollIntervalMs must be 2000, 10000 or 30000",
    );
    expect((await get("settings-good", "?revealSpeed=warp")).status).toBe(400);
    expect((await get("settings-good", "?interval=1")).status).toBe(400);
  });

  it("accepts the allowed choices (nothing in progress: 204)", async () => {
    expect((await get("settings-good", "?pollIntervalMs=30000&revealSpeed=slow")).status).toBe(204);
  });
});
