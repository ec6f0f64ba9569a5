import { after } from "next/server";
import OpenAI, { InvalidWebhookSignatureError } from "openai";
import { z } from "zod";
import { getTurnDeps } from "@/lib/chat/deps";
import { processFollowers } from "@/lib/chat/followers";
import { receiveRunEnd } from "@/lib/chat/webhooks";
import { ApiError, readJsonText } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { getSupervisor } from "@/lib/supervisor";

/** OpenAI's events are small: an id, a type, a time and the response's id. */
const MAX_WEBHOOK_BYTES = 64 * 1024;

/** What the route reads of a verified event; anything else in it is left alone. */
const Event = z.object({ type: z.string(), data: z.object({ id: z.string().min(1) }) });

/**
 * `POST /api/webhooks/openai`: OpenAI's webhook endpoint (configure it on the OpenAI project for
 * `response.completed`, `response.failed`, `response.incomplete` and `response.cancelled`, and set its signing
 * secret as OPENAI_WEBHOOK_SECRET). Each delivery is verified by the `openai` SDK (signature over the exact body
 * and the `webhook-id` and `webhook-timestamp` headers; a timestamp more than 5 minutes off is refused), then
 * acted on once (`receiveRunEnd`): 400 for one that does not verify, 409 for a replay, 404 while the server has
 * no secret. The answer goes out at once; following the run goes on after it.
 */
export const POST = route(async (request) => {
  const secret = getSupervisor().config.webhookSecret;
  if (!secret)
    throw new ApiError("not_found", "This server takes no webhooks: OPENAI_WEBHOOK_SECRET is not set.");
  const body = await readJsonText(request, MAX_WEBHOOK_BYTES);
  const event = Event.safeParse(await verified(body, request.headers, secret));
  if (!event.success)
    throw new ApiError("bad_request", "The webhook's event has no type or no response id (data.id).");
  const receipt = await receiveRunEnd(
    getTurnDeps(),
    processFollowers(),
    {
      deliveryId: request.headers.get("webhook-id") as string,
      type: event.data.type,
      responseId: event.data.data.id,
    },
    afterTheAnswer,
  );
  return Response.json(receipt, { headers: { "Cache-Control": "no-store" } });
});

let verifier: OpenAI | undefined;

/** The event, when the SDK finds the delivery signed with `secret` and recent; else a 400 saying why. */
async function verified(body: string, headers: Headers, secret: string): Promise<unknown> {
  // The SDK's verification lives on a client; this one never calls the API (its key is never used).
  verifier ??= new OpenAI({ apiKey: "webhook-verification-only", maxRetries: 0 });
  try {
    return await verifier.webhooks.unwrap(body, headers, secret);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    if (err instanceof InvalidWebhookSignatureError || /header|webhook/i.test(reason))
      throw new ApiError("bad_request", `The webhook was refused: ${reason.replace(/\.?$/, ".")}`);
    throw new ApiError("bad_request", "The webhook's body is not valid JSON.");
  }
}

/** `task` goes on after the answer is sent (on Vercel, the function lives until it is done). */
function afterTheAnswer(task: Promise<void>): void {
  try {
    after(task);
  } catch {
    // Outside a request (a route's unit test): the task runs on by itself.
  }
}
