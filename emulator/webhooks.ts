// OpenAI's webhooks for background responses, imitated: when a response of the openai flavour ends (completed,
// failed, incomplete, cancelled), an event naming it is POSTed to the configured URL, signed as OpenAI signs
// them (Standard Webhooks: `webhook-id`, `webhook-timestamp`, and `webhook-signature: v1,<base64 HMAC-SHA256 of
// "{id}.{timestamp}.{body}">` under the secret's bytes, the part after `whsec_` base64-decoded). The fault knobs
// make the deliveries a receiver must survive: each sent twice, late, or signed with the wrong key.

import { createHmac, randomBytes } from "node:crypto";

export type WebhookEventType =
  | "response.completed"
  | "response.failed"
  | "response.incomplete"
  | "response.cancelled";

export interface WebhookOptions {
  /** Where the events go (the app's `POST /api/webhooks/openai`). */
  url: string;
  /** The endpoint's signing secret, `whsec_…` as OpenAI shows it (or any text, used as is). */
  secret: string;
  /** Every event is delivered a second time, with the same `webhook-id` (an at-least-once delivery). */
  twice?: boolean;
  /** Every event goes out this long (real ms) after the response ended. */
  lateMs?: number;
  /** Every event is signed with a key that is not the secret (a forgery, as a receiver sees one). */
  forged?: boolean;
  /** The fetch deliveries go through (tests). */
  fetch?: typeof fetch;
}

/** What was delivered, for tests and `GET /emulator/webhooks`: the event and the receiver's answer. */
export interface WebhookDelivery {
  webhookId: string;
  type: WebhookEventType;
  responseId: string;
  /** When it was sent (ms, real time). */
  sentAt: number;
  /** The receiver's HTTP status, once it answered. */
  status?: number;
  error?: string;
}

/** The bytes a `whsec_…` secret stands for (OpenAI's and Standard Webhooks' format), or the text's own. */
export function secretBytes(secret: string): Buffer {
  return secret.startsWith("whsec_")
    ? Buffer.from(secret.slice("whsec_".length), "base64")
    : Buffer.from(secret, "utf8");
}

/** The headers of one signed delivery of `body`. */
export function signWebhook(
  secret: string,
  body: string,
  webhookId: string,
  timestampS: number,
): Record<string, string> {
  const signature = createHmac("sha256", secretBytes(secret))
    .update(`${webhookId}.${timestampS}.${body}`)
    .digest("base64");
  return {
    "content-type": "application/json",
    "webhook-id": webhookId,
    "webhook-timestamp": String(timestampS),
    "webhook-signature": `v1,${signature}`,
  };
}

export class WebhookSender {
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  readonly deliveries: WebhookDelivery[] = [];

  constructor(private readonly options: WebhookOptions) {}

  /** Response `responseId` ends as `type` in `inMs` (real ms) unless cancelled first. */
  schedule(responseId: string, type: WebhookEventType, inMs: number): void {
    const timer = setTimeout(
      () => {
        this.pending.delete(responseId);
        void this.deliver(responseId, type);
      },
      Math.max(0, inMs) + (this.options.lateMs ?? 0),
    );
    timer.unref?.();
    this.pending.set(responseId, timer);
  }

  /** Response `responseId` was cancelled now: its scheduled end is replaced by a `response.cancelled`. */
  cancelled(responseId: string): void {
    clearTimeout(this.pending.get(responseId));
    this.pending.delete(responseId);
    this.schedule(responseId, "response.cancelled", 0);
  }

  /** Forget every scheduled delivery (the emulator is closing). */
  close(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  private async deliver(responseId: string, type: WebhookEventType): Promise<void> {
    const webhookId = `wh_${randomBytes(12).toString("hex")}`;
    const createdAt = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      id: `evt_${randomBytes(12).toString("hex")}`,
      object: "event",
      created_at: createdAt,
      type,
      data: { id: responseId },
    });
    const key = this.options.forged ? `whsec_${randomBytes(32).toString("base64")}` : this.options.secret;
    const headers = signWebhook(key, body, webhookId, createdAt);
    for (let attempt = 0; attempt < (this.options.twice ? 2 : 1); attempt++) {
      const delivery: WebhookDelivery = { webhookId, type, responseId, sentAt: Date.now() };
      this.deliveries.push(delivery);
      try {
        const answer = await (this.options.fetch ?? fetch)(this.options.url, {
          method: "POST",
          headers,
          body,
          signal: AbortSignal.timeout(30_000),
        });
        delivery.status = answer.status;
        await answer.body?.cancel();
      } catch (err) {
        delivery.error = err instanceof Error ? err.message : String(err);
      }
    }
  }
}
