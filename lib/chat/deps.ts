import { ExtraLookAllowance, systemClock } from "@/lib/background";
import { getChatStore } from "@/lib/db";
import { processState } from "@/lib/process-state";
import { createPushSend, type PushSend } from "@/lib/push/send";
import { vapidKeys } from "@/lib/push/vapid";
import { clientForRequest, getSupervisor, upstreamEchoesHistory } from "@/lib/supervisor";
import { traceFieldsOf } from "@/lib/supervisor/tracing";
import { processFollowers } from "./followers";
import type { TurnDeps } from "./respond";

/**
 * Everything a chat route needs, wired from the environment once per process; the upstream client is the
 * signed-in user's own when a trusted proxy forwarded their token (`request`'s headers), else the app's.
 */
export function getTurnDeps(request?: Request): TurnDeps {
  const { config, client, tools, registry } = getSupervisor();
  return {
    store: getChatStore(),
    client: request ? clientForRequest(config, client, request.headers) : client,
    clock: systemClock,
    model: config.model,
    instructions: config.instructions,
    tools,
    registry,
    pollIntervalMs: config.pollIntervalMs,
    lookAllowance: processState("extra-look-allowance", () => new ExtraLookAllowance(systemClock.now)),
    echoesHistory: upstreamEchoesHistory(config),
    traceFields: traceFieldsOf(config),
    streamBudgetMs: config.streamBudgetMs,
    runLimits: config.runLimits,
    followers: processFollowers({ endsByWebhook: !!config.webhookSecret }),
    push: sendPush,
  };
}

/** The app's Web Push sender, made on first use (its VAPID keys may have to be generated then). */
const sendPush: PushSend = (subscription, message) =>
  processState("push-send", () => createPushSend(vapidKeys()))(subscription, message);
