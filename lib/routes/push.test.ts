import { describe, expect, it } from "vitest";
import { requireOwner } from "@/lib/auth/request";
import { getChatStore } from "@/lib/db";
import { testBrowser } from "@/lib/push/testing";
import { DELETE, GET, POST } from "./push";
import { newSession, runOnFastEmulator } from "./route-testing";

runOnFastEmulator();

const mine = newSession();
const call = (handler: typeof POST, method: string, body?: unknown, cookie = mine) =>
  handler(
    new Request("http://localhost/api/push/subscriptions", {
      method,
      headers: { cookie, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    }),
  );
const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

describe("the push routes", () => {
  it("GET /api/push gives the app's VAPID public key, the same each time", async () => {
    const first = await GET(new Request("http://localhost/api/push", { headers: { cookie: mine } }));
    expect(first.status).toBe(200);
    const { publicKey } = (await first.json()) as { publicKey: string };
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const again = await GET(new Request("http://localhost/api/push", { headers: { cookie: mine } }));
    expect(((await again.json()) as { publicKey: string }).publicKey).toBe(publicKey);
  });

  it("subscribes a browser, and unsubscribes it for its own person only", async () => {
    const { subscription } = testBrowser("https://fcm.googleapis.com/fcm/send/route-test-1");
    const created = await call(POST, "POST", subscription);
    expect(created.status).toBe(201);
    const ownerId = (await requireOwner({ headers: new Headers({ cookie: mine }) })).id;
    expect(await getChatStore().listPushSubscriptions(ownerId)).toContainEqual({
      endpoint: subscription.endpoint,
      keys: subscription.keys,
    });

    const foreign = await call(DELETE, "DELETE", { endpoint: subscription.endpoint }, newSession());
    expect(foreign.status).toBe(404);
    const removed = await call(DELETE, "DELETE", { endpoint: subscription.endpoint });
    expect(removed.status).toBe(204);
    expect((await call(DELETE, "DELETE", { endpoint: subscription.endpoint })).status).toBe(404);
  });

  it("refuses an endpoint that is no browser's push service, and malformed keys, with a 400 that says why", async () => {
    const { subscription } = testBrowser("https://fcm.googleapis.com/fcm/send/route-test-2");
    const cases: [unknown, RegExp][] = [
      [{ ...subscription, endpoint: "http://169.254.169.254/latest/meta-data" }, /push service/],
      [{ ...subscription, endpoint: "https://internal.example.com/hook" }, /push service/],
      [{ ...subscription, keys: { ...subscription.keys, p256dh: "short" } }, /p256dh/],
      [{ ...subscription, keys: { p256dh: subscription.keys.p256dh } }, /auth/],
      [{ endpoint: "not a url", keys: subscription.keys }, /endpoint/],
      [{ ...subscription, userId: "someone-else" }, /userId|key/i],
    ];
    for (const [body, reason] of cases) {
      const response = await call(POST, "POST", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await errorOf(response)).message).toMatch(reason);
    }
  });
});
