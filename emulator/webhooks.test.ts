import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import { createEmulator } from "./index";
import { emulatorOptionsFromEnv } from "./options";
import type { WebhookOptions } from "./webhooks";

const SECRET = `whsec_${randomBytes(32).toString("base64")}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Received {
  headers: Headers;
  body: string;
  at: number;
}

/** An openai-flavour emulator whose webhooks come to `received`, and an SDK client on it. */
function setup(webhooks: Partial<WebhookOptions> = {}) {
  const received: Received[] = [];
  const emulator = createEmulator({
    flavor: "openai",
    timeScale: 0.01,
    webhooks: {
      url: "http://app.local/api/webhooks/openai",
      secret: SECRET,
      ...webhooks,
      fetch: async (_url, init) => {
        received.push({ headers: new Headers(init?.headers), body: String(init?.body), at: Date.now() });
        return new Response(null, { status: 200 });
      },
    },
  });
  const client = new OpenAI({
    apiKey: "k",
    baseURL: "http://emulator.local/v1",
    fetch: emulator.fetch,
    maxRetries: 0,
  });
  return { received, client };
}

async function until(done: () => boolean, what: string) {
  for (let i = 0; i < 200 && !done(); i++) await sleep(10);
  if (!done()) throw new Error(`timed out waiting until ${what}`);
}

/** The event, as the `openai` SDK's own verification finds it. */
const unwrap = (client: OpenAI, { body, headers }: Received) => client.webhooks.unwrap(body, headers, SECRET);

describe("the emulator's webhooks (openai flavour)", () => {
  it("announces a background response's end once, signed as OpenAI signs", async () => {
    const { received, client } = setup();
    const created = await client.responses.create({ model: "m", input: "Hello there", background: true });
    await until(() => received.length > 0, "the webhook came");
    await sleep(50);
    expect(received).toHaveLength(1);
    const event = await unwrap(client, received[0] as Received);
    expect(event).toMatchObject({ object: "event", type: "response.completed", data: { id: created.id } });
    // Sent when the response had ended: a retrieve then finds it so.
    expect((await client.responses.retrieve(created.id)).status).toBe("completed");
  });

  it("announces a cancel as response.cancelled, and nothing for a response that was not in the background", async () => {
    const { received, client } = setup();
    await client.responses.create({ model: "m", input: "Hello, answer at once" });
    const created = await client.responses.create({
      model: "m",
      input: "Write a long report",
      background: true,
    });
    await client.responses.cancel(created.id);
    await until(() => received.length > 0, "the webhook came");
    await sleep(100);
    expect(received).toHaveLength(1);
    expect(await unwrap(client, received[0] as Received)).toMatchObject({
      type: "response.cancelled",
      data: { id: created.id },
    });
  });

  it("with its fault knobs: twice (the same webhook-id), late, forged", async () => {
    const twice = setup({ twice: true });
    await twice.client.responses.create({ model: "m", input: "Hello there", background: true });
    await until(() => twice.received.length === 2, "both deliveries came");
    const [one, two] = twice.received as [Received, Received];
    expect(two.headers.get("webhook-id")).toBe(one.headers.get("webhook-id"));
    expect(two.body).toBe(one.body);

    const late = setup({ lateMs: 400 });
    const onTime = setup();
    const started = Date.now();
    await Promise.all(
      [late, onTime].map(({ client }) =>
        client.responses.create({ model: "m", input: "Hello there", background: true }),
      ),
    );
    await until(() => late.received.length > 0, "the late delivery came");
    expect((late.received[0] as Received).at - started).toBeGreaterThanOrEqual(400);
    expect(onTime.received.length).toBe(1);
    expect((late.received[0] as Received).at).toBeGreaterThan((onTime.received[0] as Received).at + 300);

    const forged = setup({ forged: true });
    await forged.client.responses.create({ model: "m", input: "Hello there", background: true });
    await until(() => forged.received.length > 0, "the forged delivery came");
    await expect(unwrap(forged.client, forged.received[0] as Received)).rejects.toThrow(/signature/);
  });

  it("is configured from the environment, and refuses what it cannot use", () => {
    expect(
      emulatorOptionsFromEnv({
        EMULATOR_WEBHOOK_URL: "http://localhost:3000/api/webhooks/openai",
        OPENAI_WEBHOOK_SECRET: SECRET,
        EMULATOR_WEBHOOK_FAULTS: "twice, late=1500,forged",
      }).webhooks,
    ).toEqual({
      url: "http://localhost:3000/api/webhooks/openai",
      secret: SECRET,
      twice: true,
      lateMs: 1500,
      forged: true,
    });
    expect(() => emulatorOptionsFromEnv({ EMULATOR_WEBHOOK_URL: "http://x.test/hook" })).toThrow(/SECRET/);
    expect(() =>
      emulatorOptionsFromEnv({
        EMULATOR_WEBHOOK_URL: "http://x.test/hook",
        EMULATOR_WEBHOOK_SECRET: "s",
        EMULATOR_WEBHOOK_FAULTS: "thrice",
      }),
    ).toThrow(/twice/);
    expect(() => emulatorOptionsFromEnv({ EMULATOR_WEBHOOK_FAULTS: "twice" })).toThrow(
      /EMULATOR_WEBHOOK_URL/,
    );
    expect(() => createEmulator({ webhooks: { url: "http://x.test/hook", secret: "s" } })).toThrow(/openai/);
  });
});
