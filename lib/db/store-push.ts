// The database store's Web Push subscriptions: the browsers each person asked to be notified on.

import { and, eq } from "drizzle-orm";
import type { DbChatStore } from "./chat-store";
import type { AnyPgDatabase } from "./migrate";
import { pushSubscriptions } from "./schema";

export function pushMethods(
  db: AnyPgDatabase,
): Pick<
  DbChatStore,
  "savePushSubscription" | "deletePushSubscription" | "listPushSubscriptions" | "forgetPushEndpoint"
> {
  return {
    async savePushSubscription(ownerId, { endpoint, keys }) {
      const row = { userId: ownerId, p256dh: keys.p256dh, auth: keys.auth, createdAt: Date.now() };
      await db
        .insert(pushSubscriptions)
        .values({ endpoint, ...row })
        .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: row });
    },

    async deletePushSubscription(ownerId, endpoint) {
      const deleted = await db
        .delete(pushSubscriptions)
        .where(and(eq(pushSubscriptions.endpoint, endpoint), eq(pushSubscriptions.userId, ownerId)))
        .returning({ endpoint: pushSubscriptions.endpoint });
      return deleted.length > 0;
    },

    async listPushSubscriptions(ownerId) {
      const rows = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.userId, ownerId));
      return rows.map(({ endpoint, p256dh, auth }) => ({ endpoint, keys: { p256dh, auth } }));
    },

    async forgetPushEndpoint(endpoint) {
      await db.delete(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint));
    },
  };
}
