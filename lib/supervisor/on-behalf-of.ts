import { trustsForwardedHeaders } from "@/lib/auth/identity";
import type { BackgroundClient } from "@/lib/background";
import { fixedBearer } from "./auth";
import { createUpstreamClient } from "./client";
import type { SupervisorConfig } from "./config";

/** The providers signed in to with Databricks credentials, a user's forwarded token among them. */
const USES_DATABRICKS_AUTH = new Set(["databricks", "databricks-agent", "agent-bricks"]);

/** Databricks Apps forward the signed-in user's own token here when user authorization is on. */
export const FORWARDED_TOKEN_HEADER = "x-forwarded-access-token";

/**
 * The signed-in user's token, when a trusted proxy forwarded one for a Databricks upstream: calls made with it run
 * with the user's permissions (a Genie space or a UC function the app's own principal may not see). Never taken
 * from a request the app does not trust to come through that proxy: anyone can send the header.
 */
export function forwardedAccessToken(
  config: SupervisorConfig,
  headers: Headers,
  env: Record<string, string | undefined> = process.env,
): string | undefined {
  if (!mayRunOnBehalfOfUsers(config, env)) return undefined;
  const token = headers.get(FORWARDED_TOKEN_HEADER)?.trim();
  return token ? token : undefined;
}

/**
 * Whether runs may be made with their users' own forwarded tokens: then only a request of that user can carry
 * on with a run (the app's own credentials may not see what the user's token does).
 */
export function mayRunOnBehalfOfUsers(
  config: SupervisorConfig,
  env: Record<string, string | undefined> = process.env,
): boolean {
  return USES_DATABRICKS_AUTH.has(config.provider) && trustsForwardedHeaders(env);
}

/** The client for one request: on behalf of its user when a token was forwarded, else the app's own. */
export function clientForRequest(
  config: SupervisorConfig,
  shared: BackgroundClient,
  headers: Headers,
  env: Record<string, string | undefined> = process.env,
): BackgroundClient {
  const token = forwardedAccessToken(config, headers, env);
  if (!token) return shared;
  return createUpstreamClient(config, { bearer: fixedBearer(token) });
}
