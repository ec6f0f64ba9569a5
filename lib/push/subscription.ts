import { z } from "zod";

/**
 * The push services of today's browsers: Chrome and Edge (FCM), Firefox (Mozilla's autopush), Safari (Apple),
 * and Windows' WNS. The server sends only there, so a subscription cannot make it POST to any address
 * someone names; PUSH_SERVICE_ORIGINS adds others (a self-hosted service, a test's).
 */
const KNOWN_PUSH_SERVICES = [
  /^https:\/\/fcm\.googleapis\.com$/,
  /^https:\/\/updates\.push\.services\.mozilla\.com$/,
  /^https:\/\/web\.push\.apple\.com$/,
  /^https:\/\/[a-z0-9-]+\.notify\.windows\.com$/,
];

/** What a browser's `PushSubscription.toJSON()` gives, as far as sending needs it. */
export const pushSubscriptionSchema = z.strictObject({
  endpoint: z.url("The subscription's endpoint must be a URL.").max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({
    p256dh: z
      .string()
      .regex(/^[A-Za-z0-9_-]{80,100}$/, "keys.p256dh must be a P-256 public key (base64url)."),
    auth: z.string().regex(/^[A-Za-z0-9_-]{16,32}$/, "keys.auth must be a 16-byte secret (base64url)."),
  }),
});

export type PushSubscriptionJson = z.infer<typeof pushSubscriptionSchema>;

/** Whether pushes may go to `endpoint`'s service (one of KNOWN_PUSH_SERVICES, or PUSH_SERVICE_ORIGINS). */
export function isAllowedPushService(
  endpoint: string,
  env: Record<string, string | undefined> = process.env,
): boolean {
  const origin = URL.canParse(endpoint) ? new URL(endpoint).origin : "";
  const extra = (env.PUSH_SERVICE_ORIGINS ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return KNOWN_PUSH_SERVICES.some((service) => service.test(origin)) || extra.includes(origin);
}
