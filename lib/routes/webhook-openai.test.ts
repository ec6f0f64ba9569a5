import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signWebhook } from "@/emulator/webhooks";
import { ADOPT_AFTER_MS, processFollowers } from "@/lib/chat/followers";
import { getChatStore } from "@/lib/db";
import { POST as chat } from "./chat";
import { newSession, runOnFastEmulator } from "./route-testing";
import { POST } from "./webhook-openai";

// Read when the route first loads its provider: the emulator's OpenAI flavour, with webhooks on.
const SECRET = `whsec_${randomBytes(32).toString("base64")}`;
process.env.EMULATOR_FLAVOR = "openai";
process.env.OPENAI_WEBHOOK_SECRET = SECRET;
runOnFastEmulator();

const cookie = newSession();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read();
    if (done(value)) return value;
    await sleep(25);
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** Ask in a new chat and close the tab as soon as the run is under way upstream: its response id. */
async function askAndLeave(chatId: string, text: string): Promise<string> {
  const tab = new AbortController();
  const response = await chat(
    new Request("http://localhost/api/chat", {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({
        id: chatId,
        message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] },
      }),
      signal: tab.signal,
    }),
  );
  expect(response.status).toBe(200);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  const chat_ = await until(
    () => getChatStore().getChat(chatId),
    (c) => !!c?.run?.responseId,
    "the run is under way",
  );
  tab.abort();
  await reader.cancel();
  return chat_?.run?.responseId as string;
}

/** A delivery of `type` about `responseId`, signed with `secret` at `timestampS`. */
function delivery(
  type: string,
  responseId: string,
  {
    secret = SECRET,
    timestampS = Math.floor(Date.now() / 1000),
    webhookId = `wh_${randomBytes(8).toString("hex")}`,
  } = {},
) {
  const body = JSON.stringify({
    id: `evt_${randomBytes(8).toString("hex")}`,
    object: "event",
    created_at: timestampS,
    type,
    data: { id: responseId },
  });
  return new Request("http://localhost/api/webhooks/openai", {
    method: "POST",
    headers: signWebhook(secret, body, webhookId, timestampS),
    body,
  });
}

const runOf = async (chatId: string) => (await getChatStore().getChat(chatId))?.run;
const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe("POST /api/webhooks/openai", () => {
  it("records the end of a run nobody watches, which the server did not poll meanwhile", async () => {
    const responseId = await askAndLeave("webhook-end", "Hello there, how are you?");
    // Nobody watches and ends come by webhook: past the grace after which a run is otherwise followed (and
    // long past this run's end upstream), the server has left it alone.
    await sleep(ADOPT_AFTER_MS + 500);
    expect(await runOf("webhook-end")).toMatchObject({ state: "running", polls: 0 });
    expect(processFollowers().followed()).toBe(0);

    const answer = await POST(delivery("response.completed", responseId));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ action: "following", chatId: "webhook-end" });
    const run = await until(
      () => runOf("webhook-end"),
      (r) => r?.state !== "running",
      "the end is stored",
    );
    expect(run?.state).toBe("completed");
    const stored = await getChatStore().getChat("webhook-end");
    expect(JSON.stringify(stored?.messages.at(-1)?.parts)).toMatch(/Hello there/);
  });

  it("refuses a forged, a stale and an unsigned delivery with a 400 that says why, and changes nothing", async () => {
    const responseId = await askAndLeave("webhook-forged", "Run a multi-step analysis of the sales data");
    const forged = await POST(
      delivery("response.completed", responseId, { secret: `whsec_${randomBytes(32).toString("base64")}` }),
    );
    expect(forged.status).toBe(400);
    expect((await errorOf(forged)).message).toMatch(/signature/i);
    const stale = await POST(
      delivery("response.completed", responseId, { timestampS: Math.floor(Date.now() / 1000) - 600 }),
    );
    expect(stale.status).toBe(400);
    expect((await errorOf(stale)).message).toMatch(/too old/i);
    const unsigned = await POST(
      new Request("http://localhost/api/webhooks/openai", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ type: "response.completed", data: { id: responseId } }),
      }),
    );
    expect(unsigned.status).toBe(400);
    expect((await errorOf(unsigned)).message).toMatch(/webhook-signature/);
    await sleep(300);
    expect(await runOf("webhook-forged")).toMatchObject({ state: "running", polls: 0 });
  });

  it("acts on a delivery once: its replay is a 409 and changes nothing", async () => {
    const responseId = await askAndLeave("webhook-replay", "Hello, one more question please");
    const webhookId = `wh_${randomBytes(8).toString("hex")}`;
    const first = await POST(delivery("response.completed", responseId, { webhookId }));
    expect(first.status).toBe(200);
    await until(
      () => runOf("webhook-replay"),
      (r) => r?.state !== "running",
      "the end is stored",
    );
    const before = await getChatStore().getChat("webhook-replay");
    const replay = await POST(delivery("response.completed", responseId, { webhookId }));
    expect(replay.status).toBe(409);
    expect((await errorOf(replay)).message).toMatch(/received before/);
    expect(await getChatStore().getChat("webhook-replay")).toEqual(before);
  });

  it("answers an event about no run of this app, or that ends nothing, and changes nothing", async () => {
    const unknown = await POST(delivery("response.completed", "resp_not_ours"));
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toMatchObject({ action: "none" });
    const other = await POST(delivery("batch.completed", "batch_1"));
    expect(other.status).toBe(200);
    expect(await other.json()).toMatchObject({ action: "none" });
  });
});
