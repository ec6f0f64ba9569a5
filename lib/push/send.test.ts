import { describe, expect, it } from "vitest";
import webpush from "web-push";
import { createPushSend, type PushMessage } from "./send";
import { isAllowedPushService } from "./subscription";
import { testBrowser } from "./testing";

const keys = { ...webpush.generateVAPIDKeys(), subject: "mailto:ops@example.com" };
const MESSAGE: PushMessage = {
  title: "Your answer is ready",
  body: "Sales by region",
  url: "/chat/c1",
  tag: "chat-c1",
};

function pushService(status: number) {
  const received: { url: string; headers: Headers; body: Uint8Array }[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    received.push({ url, headers: new Headers(init.headers), body: init.body as Uint8Array });
    return new Response(null, { status });
  }) as typeof globalThis.fetch;
  return { received, fetch };
}

describe("createPushSend", () => {
  it("sends the message encrypted for that browser alone, signed with the app's VAPID key", async () => {
    const browser = testBrowser("https://fcm.googleapis.com/fcm/send/abc");
    const service = pushService(201);
    expect(await createPushSend(keys, service.fetch)(browser.subscription, MESSAGE)).toBe("sent");
    const [request] = service.received;
    expect(request?.url).toBe("https://fcm.googleapis.com/fcm/send/abc");
    expect(request?.headers.get("content-encoding")).toBe("aes128gcm");
    expect(request?.headers.get("authorization")).toMatch(new RegExp(`^vapid t=.+, k=${keys.publicKey}$`));
    expect(Number(request?.headers.get("ttl"))).toBeGreaterThan(0);
    // Nothing readable on the way: the push service sees ciphertext only.
    expect(Buffer.from(request?.body ?? []).toString("latin1")).not.toContain("Sales by region");
    expect(browser.decrypt(request?.body ?? new Uint8Array())).toEqual(MESSAGE);
    // Another browser's keys cannot read it.
    expect(() => testBrowser("https://x").decrypt(request?.body ?? new Uint8Array())).toThrow();
  });

  it("says a browser that unsubscribed is gone (404, 410), and any other refusal failed", async () => {
    const browser = testBrowser("https://updates.push.services.mozilla.com/wpush/v2/x");
    for (const [status, result] of [
      [404, "gone"],
      [410, "gone"],
      [429, "failed"],
      [500, "failed"],
    ] as const)
      expect(await createPushSend(keys, pushService(status).fetch)(browser.subscription, MESSAGE)).toBe(
        result,
      );
    const unreachable = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    expect(await createPushSend(keys, unreachable)(browser.subscription, MESSAGE)).toBe("failed");
  });
});

describe("isAllowedPushService", () => {
  it("takes the browsers' push services and the configured origins, nothing else", () => {
    for (const endpoint of [
      "https://fcm.googleapis.com/fcm/send/x",
      "https://updates.push.services.mozilla.com/wpush/v2/x",
      "https://web.push.apple.com/QG9",
      "https://wns2-db5p.notify.windows.com/w/?token=x",
    ])
      expect(isAllowedPushService(endpoint, {}), endpoint).toBe(true);
    for (const endpoint of [
      "http://fcm.googleapis.com/fcm/send/x",
      "https://fcm.googleapis.com.evil.test/x",
      "https://169.254.169.254/latest/meta-data",
      "http://127.0.0.1:9200/_search",
      "not a url",
    ])
      expect(isAllowedPushService(endpoint, {}), endpoint).toBe(false);
    expect(
      isAllowedPushService("http://127.0.0.1:4599/push/1", { PUSH_SERVICE_ORIGINS: "http://127.0.0.1:4599" }),
    ).toBe(true);
  });
});
