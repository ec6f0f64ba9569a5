// The HTTP-shaped front: routing on the path suffix (any base URL works), auth, and error envelopes. The
// workspace's own APIs (OAuth tokens, app lookup) answer for every flavour; the rest goes to the flavour's
// handler: the Responses API here, the agent servers in agent-server/ and agent-bricks/.

import { createAgentBricksHandler } from "./agent-bricks/handler";
import { createAgentServerHandler } from "./agent-server/handler";
import { APPS_PATH, appsApi } from "./apps";
import type { FaultStats } from "./faults";
import { TOKEN_PATH, TokenIssuer } from "./oauth";
import { createResponsesHandler } from "./responses-api";
import type { StoredResponseView } from "./state";
import type { ResolvedEmulatorOptions } from "./types";
import type { WebhookDelivery } from "./webhooks";

export interface EmulatorHandler {
  /** Answers one request; throws `TypeError: fetch failed` for an injected connection reset. */
  handle(request: Request): Promise<Response>;
  /** Requests seen and faults injected so far. */
  stats(): FaultStats;
  /** Every stored response as of now, oldest first (read-only). */
  inspect(): StoredResponseView[];
  /** Event streams being served right now: 0 once every client has finished or gone (no poll timers left). */
  openStreams(): number;
  /** The webhooks sent so far, with their receiver's answers (openai flavour with webhooks configured). */
  webhookDeliveries?(): WebhookDelivery[];
}

export function createHandler(options: ResolvedEmulatorOptions): EmulatorHandler {
  const issuer = options.servicePrincipal
    ? new TokenIssuer(options.servicePrincipal, options.now)
    : undefined;
  const flavour =
    options.flavor === "databricks-agent"
      ? createAgentServerHandler(options, issuer)
      : options.flavor === "agent-bricks"
        ? createAgentBricksHandler(options, issuer)
        : createResponsesHandler(options, issuer);
  return {
    ...flavour,
    handle: async (request) => {
      const path = new URL(request.url).pathname.replace(/\/+$/, "");
      if (issuer && TOKEN_PATH.test(path)) return issuer.handle(request);
      if (APPS_PATH.test(path)) return appsApi(request, options, issuer);
      return flavour.handle(request);
    },
  };
}
