import type { ChatStore, StoredPushSubscription } from "@/lib/db/chat-store";
import { ChatRefusal } from "./errors";

/** Tell this browser when a run of `ownerId`'s ends with no tab open (Web Push). Validated by the route. */
export async function subscribeToRunEnds(
  store: ChatStore,
  ownerId: string,
  subscription: StoredPushSubscription,
): Promise<void> {
  await store.savePushSubscription(ownerId, { endpoint: subscription.endpoint, keys: subscription.keys });
}

/** Stop telling the browser at `endpoint`; a browser that is not `ownerId`'s is a refusal (missing). */
export async function unsubscribeFromRunEnds(
  store: ChatStore,
  ownerId: string,
  endpoint: string,
): Promise<void> {
  if (!(await store.deletePushSubscription(ownerId, endpoint)))
    throw new ChatRefusal("missing", "This browser is not subscribed to notifications.");
}
