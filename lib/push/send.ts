import webpush from "web-push";
import type { PushSubscriptionJson } from "./subscription";
import type { VapidKeys } from "./vapid";

/** What a person is told: a title, a line, and the page a click opens. */
export interface PushMessage {
  title: string;
  body: string;
  /** A path on this app (`/chat/{id}`). */
  url: string;
  /** One notification per chat: a newer one replaces the last. */
  tag: string;
}

/** `sent`; `gone`: the browser unsubscribed (404/410), forget the subscription; `failed`: try another time. */
export type PushResult = "sent" | "gone" | "failed";

/** Sends one push to one browser. */
export type PushSend = (subscription: PushSubscriptionJson, message: PushMessage) => Promise<PushResult>;

/**
 * `web-push` encrypts the message for the browser (RFC 8291) and signs the request with the app's VAPID key
 * (RFC 8292); `fetch` delivers it to the browser's push service. A push waits there up to a day for a browser
 * that is offline.
 */
export function createPushSend(keys: VapidKeys, send: typeof fetch = fetch): PushSend {
  return async (subscription, message) => {
    const request = webpush.generateRequestDetails(subscription, JSON.stringify(message), {
      vapidDetails: keys,
      TTL: 24 * 60 * 60,
      urgency: "normal",
    });
    try {
      const answer = await send(request.endpoint, {
        method: request.method,
        headers: request.headers as Record<string, string>,
        body: request.body && new Uint8Array(request.body),
        signal: AbortSignal.timeout(10_000),
      });
      await answer.body?.cancel();
      if (answer.status === 404 || answer.status === 410) return "gone";
      return answer.ok ? "sent" : "failed";
    } catch {
      return "failed";
    }
  };
}
