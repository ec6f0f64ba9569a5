import { beforeAll, describe, expect, it } from "vitest";
import { identify } from "@/lib/auth/identity";
import { sessionSecret } from "@/lib/auth/secret";
import { readUIStream } from "@/lib/chat/testing";
import { getChatStore } from "@/lib/db";
import { embeddedEmulatorIfStarted } from "@/lib/supervisor/client";
import { POST } from "./chat";
import { newSession } from "./route-testing";

// This file's own process: the limits are read from the environment when the route is first used.
beforeAll(async () => {
  process.env.EMULATOR_TIME_SCALE = "0.05";
  process.env.SUPERVISOR_POLL_INTERVAL_MS = "100";
  process.env.MAX_RUNS_IN_FLIGHT_PER_PERSON = "3";
  await getChatStore().listChats("anon:test", 1);
}, 60_000);

const ask = (cookie: string, text: string) =>
  POST(
    new Request("http://localhost/api/chat", {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({
        id: crypto.randomUUID(),
        message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] },
      }),
    }),
  );

const creates = () => embeddedEmulatorIfStarted()?.faultStats().requests.create ?? 0;

describe("POST /api/chat with MAX_RUNS_IN_FLIGHT_PER_PERSON=3", () => {
  it("runs exactly 3 of 20 parallel questions of one person, refuses the rest with a 429 that says why, and sends only those 3 upstream", async () => {
    const person = newSession();
    // Warm up (the emulator starts on first use), then count from here.
    await readUIStream(await ask(newSession(), "Hello"));
    const before = creates();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(person, `Question ${i}`)));
    const accepted = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status === 429);
    expect(accepted).toHaveLength(3);
    expect(refused).toHaveLength(17);
    for (const response of refused) {
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("rate_limited");
      expect(body.error.message).toMatch(/You have 3 runs going already.*stop one/);
    }
    const streams = await Promise.all(accepted.map((r) => readUIStream(r)));
    for (const stream of streams) expect(stream.some((c) => c.type === "finish")).toBe(true);
    expect(creates() - before).toBe(3);
    // Refused questions left nothing behind: the person has the three chats that ran.
    const owner = identify(new Headers({ cookie: person }), sessionSecret());
    expect(await getChatStore().listChats(owner?.id ?? "", 50)).toHaveLength(3);
    // With the three over, the person may ask again.
    const again = await ask(person, "One more");
    expect(again.status).toBe(200);
    await readUIStream(again);
  });
});
