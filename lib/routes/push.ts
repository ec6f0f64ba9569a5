import { z } from "zod";
import { requireOwner } from "@/lib/auth/request";
import { subscribeToRunEnds, unsubscribeFromRunEnds } from "@/lib/chat/push-subscriptions";
import { getChatStore } from "@/lib/db";
import { ApiError, readJsonBody, validationError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { isAllowedPushService, pushSubscriptionSchema } from "@/lib/push/subscription";
import { vapidKeys } from "@/lib/push/vapid";

const MAX_BODY_BYTES = 8 * 1024;
const NO_STORE = { "Cache-Control": "no-store" };

/** `GET /api/push`: the app's VAPID public key, which a browser subscribes with (`applicationServerKey`). */
export const GET = route(async (request) => {
  await requireOwner(request);
  return Response.json({ publicKey: vapidKeys().publicKey }, { headers: NO_STORE });
});

/**
 * `POST /api/push/subscriptions` with the browser's `PushSubscription` (its `toJSON()`): this browser is told
 * when one of the person's runs ends with no tab open. Only the known browsers' push services are sent to
 * (PUSH_SERVICE_ORIGINS adds others): another endpoint is a 400, so nobody can make the server POST elsewhere.
 */
export const POST = route(async (request) => {
  const owner = await requireOwner(request);
  const body = pushSubscriptionSchema.safeParse(await readJsonBody(request, MAX_BODY_BYTES));
  if (!body.success) throw validationError(body.error);
  if (!isAllowedPushService(body.data.endpoint))
    throw new ApiError(
      "bad_request",
      "The subscription's endpoint is not a browser push service this app sends to.",
    );
  await subscribeToRunEnds(getChatStore(), owner.id, body.data);
  return Response.json({ subscribed: true }, { status: 201, headers: NO_STORE });
});

const Unsubscribe = z.strictObject({ endpoint: z.string().min(1).max(2048) });

/** `DELETE /api/push/subscriptions` with `{ endpoint }`: this browser is not told any more. 204; not yours: 404. */
export const DELETE = route(async (request) => {
  const owner = await requireOwner(request);
  const body = Unsubscribe.safeParse(await readJsonBody(request, MAX_BODY_BYTES));
  if (!body.success) throw validationError(body.error);
  await unsubscribeFromRunEnds(getChatStore(), owner.id, body.data.endpoint);
  return new Response(null, { status: 204, headers: NO_STORE });
});
