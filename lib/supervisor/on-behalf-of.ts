import { trustsForwardedHeaders } from "@/lib/auth/identity";
import type { BackgroundClient } from "@/lib/background";
import { fixedBearer } from "./auth";
import { createOpenAIClient, toBackgroundClient } from "./client";
import type { SupervisorConfig } from "./config";

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
  if (config.provider !== "databricks" || !trustsForwardedHeaders(env)) return undefined;
  const token = headers.get(FORWARDED_TOKEN_HEADER)?.trim();
  return token ? token : undefined;
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
  return toBackgroundClient(createOpenAIClient(config, { bearer: fixedBearer(token) }), {
    streaming: config.streaming,
  });
}
