import { randomBytes } from "node:crypto";
import { type BrowserContext, expect, test } from "@playwright/test";
import { type EmulatorRequestRecord, type EmulatorServer, startEmulatorServer } from "../emulator/server";
import { signWebhook } from "../emulator/webhooks";
import { ask, assistantMessages, toolCard } from "./helpers";
import { type NextServer, startNextServer } from "./next-server";
import { WEBHOOK_PORT } from "./ports";
import { SECRET_CANARIES } from "./secrets";

// OpenAI's webhooks: the app on the OpenAI provider with OPENAI_WEBHOOK_SECRET, against a standalone emulator
// of the openai flavour that announces each response's end to the app's `POST /api/webhooks/openai`, every
// delivery sent twice (as an at-least-once sender may). A run nobody watches is not looked at until its webhook
// says it ended; then the app records it, runs its tool and starts the next cycle, whose own webhook ends it.

test.describe.configure({ timeout: 90_000 });

const KEY = "sk-e2e-webhooks-key";
const SECRET = `whsec_${randomBytes(32).toString("base64")}`;

let upstream: EmulatorServer;
let app: NextServer;
const requests: EmulatorRequestRecord[] = [];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  upstream = await startEmulatorServer({
    port: 0,
    options: {
      flavor: "openai",
      timeScale: 0.5,
      token: KEY,
      webhooks: { url: `http://127.0.0.1:${WEBHOOK_PORT}/api/webhooks/openai`, secret: SECRET, twice: true },
    },
    onRequest: (request) => requests.push(request),
  });
  app = await startNextServer({
    port: WEBHOOK_PORT,
    timeoutMs: 90_000,
    env: {
      SUPERVISOR_PROVIDER: "openai",
      // Open on purpose (a server of the tests' own on loopback): a real provider would otherwise refuse to start.
      AUTH_MODE: "anonymous",
      OPENAI_BASE_URL: `${upstream.url}/v1`,
      OPENAI_API_KEY: KEY,
      OPENAI_WEBHOOK_SECRET: SECRET,
      PGLITE_DIR: "memory://",
      SESSION_SECRET: SECRET_CANARIES.SESSION_SECRET,
    },
  });
});

test.afterAll(async () => {
  await app?.kill();
  await upstream?.close();
});

async function isRunning(context: BrowserContext, chatId: string): Promise<boolean | undefined> {
  const list = await context.request.get(`${app.url}/api/chats`);
  const chats = (await list.json()).chats as Array<{ id: string; running: boolean }>;
  return chats.find((chat) => chat.id === chatId)?.running;
}

/** The requests the app made about response `id` (retrieves and event streams) from index `since` on. */
const looksAt = (id: string, since: number) =>
  requests.slice(since).filter((r) => r.method === "GET" && r.path.includes(id));

test("a run left at once ends by its webhooks, each delivery acted on once, and nothing polls it meanwhile", async ({
  context,
}) => {
  const page = await context.newPage();
  await page.goto(`${app.url}/`);
  // Two cycles: the agent calls the app's own get_current_time, then answers with its result.
  await ask(page, "What time is it in Tokyo?");
  await page.waitForURL(/\/chat\//);
  const chatId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  await expect.poll(() => upstream.emulator.inspect().length).toBe(1);
  const first = upstream.emulator.inspect()[0]?.response.id as string;
  await page.close();
  const leftAt = requests.length;

  // The first response's end arrives twice: acted on once, the second refused as a replay.
  const deliveries = () => upstream.emulator.webhookDeliveries();
  await expect
    .poll(() => deliveries().filter((d) => d.status).length, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(2);
  const [once, again] = deliveries();
  expect(once).toMatchObject({ type: "response.completed", responseId: first, status: 200 });
  expect(again).toMatchObject({ webhookId: once?.webhookId, status: 409 });
  // Until that webhook, nobody looked at the run upstream.
  const beforeWebhook = requests.slice(leftAt).filter((r) => r.at < (deliveries()[0]?.sentAt ?? 0));
  expect(beforeWebhook.filter((r) => r.method === "GET")).toEqual([]);

  // The tool ran and the next cycle went out; its own webhook ends the run.
  await expect.poll(() => isRunning(context, chatId), { timeout: 30_000 }).toBe(false);
  const second = upstream.emulator.inspect()[1]?.response.id as string;
  expect(second).toBeTruthy();
  expect(deliveries().filter((d) => d.responseId === second && d.status === 200)).toHaveLength(1);
  expect(deliveries().every((d) => d.type === "response.completed")).toBe(true);
  // One look at each response, made on its webhook, and none while it ran.
  expect(looksAt(first, leftAt).length).toBeLessThanOrEqual(1);
  expect(looksAt(second, leftAt).length).toBeLessThanOrEqual(1);

  const reopened = await context.newPage();
  await reopened.goto(`${app.url}/chat/${chatId}`);
  await expect(assistantMessages(reopened)).toHaveCount(1);
  const answer = assistantMessages(reopened).first();
  await expect(answer.getByText(/^It is .* in Asia\/Tokyo\.$/)).toHaveCount(1);
  await expect(toolCard(reopened, "get_current_time")).toHaveCount(1);
  await expect(reopened.getByRole("button", { name: "Send" })).toBeVisible();
});

test("a forged or stale delivery is refused and changes nothing; without a secret the endpoint is off", async ({
  request,
}) => {
  const body = JSON.stringify({
    id: "evt_1",
    object: "event",
    created_at: 1,
    type: "response.completed",
    data: { id: "resp_1" },
  });
  const now = Math.floor(Date.now() / 1000);
  const forged = await request.post(`${app.url}/api/webhooks/openai`, {
    headers: signWebhook(`whsec_${randomBytes(32).toString("base64")}`, body, "wh_forged", now),
    data: body,
  });
  expect(forged.status()).toBe(400);
  expect((await forged.json()).error.message).toMatch(/signature/i);
  const stale = await request.post(`${app.url}/api/webhooks/openai`, {
    headers: signWebhook(SECRET, body, "wh_stale", now - 3600),
    data: body,
  });
  expect(stale.status()).toBe(400);
  expect((await stale.json()).error.message).toMatch(/too old/i);
  // Signed right, but about no run of this app: taken, and nothing to do.
  const unknown = await request.post(`${app.url}/api/webhooks/openai`, {
    headers: signWebhook(SECRET, body, "wh_unknown", now),
    data: body,
  });
  expect(unknown.status()).toBe(200);
  expect(await unknown.json()).toMatchObject({ action: "none" });

  // The main test server has no OPENAI_WEBHOOK_SECRET.
  const off = await request.post("/api/webhooks/openai", {
    headers: signWebhook(SECRET, body, "wh_off", now),
    data: body,
  });
  expect(off.status()).toBe(404);
  expect((await off.json()).error.message).toMatch(/OPENAI_WEBHOOK_SECRET/);
});
