import { ChatRefusal } from "./errors";
import type { RunFollowers } from "./followers";
import type { TurnDeps } from "./respond";

/** The webhook events that end a background response (OpenAI's names). */
const RUN_END_EVENTS: ReadonlySet<string> = new Set([
  "response.completed",
  "response.failed",
  "response.incomplete",
  "response.cancelled",
]);

/** One verified webhook delivery, in the terms that matter here. */
export interface RunEndDelivery {
  /** `webhook-id`: one per event, the same on each delivery of it. */
  deliveryId: string;
  /** The event's type (`response.completed`…). */
  type: string;
  /** The response the event is about (`data.id`). */
  responseId: string;
}

/** What became of a delivery. */
export type RunEndReceipt = { action: "following"; chatId: string } | { action: "none"; reason: string };

/**
 * An upstream says a response ended (OpenAI's webhook, verified by the route): the run on it is followed now
 * by this server, with nobody watching (`followNow`, started with `inBackground` so the sender gets its answer
 * at once), which stores its end, or runs the app's tools and starts its next cycle. Each delivery is acted on
 * once: a replay of one already received is refused. A response no run is on (its end was seen already, by a
 * browser say, or it is not this app's) changes nothing.
 */
export async function receiveRunEnd(
  deps: TurnDeps,
  followers: RunFollowers,
  delivery: RunEndDelivery,
  inBackground: (task: Promise<void>) => void,
): Promise<RunEndReceipt> {
  if (!(await deps.store.receiveWebhook(delivery.deliveryId)))
    throw new ChatRefusal(
      "conflict",
      `Webhook delivery ${delivery.deliveryId} was received before; a delivery is acted on once.`,
    );
  try {
    if (!RUN_END_EVENTS.has(delivery.type))
      return { action: "none", reason: `${delivery.type} does not end a response.` };
    const run = await deps.store.findOpenRun(delivery.responseId);
    if (!run) return { action: "none", reason: "No run in progress is on this response." };
    inBackground(followers.followNow(run, deps));
    return { action: "following", chatId: run.chatId };
  } catch (err) {
    // Not acted on: the sender's next delivery of it must be taken.
    await deps.store.forgetWebhook(delivery.deliveryId).catch(() => undefined);
    throw err;
  }
}
