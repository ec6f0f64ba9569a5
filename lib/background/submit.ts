import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import type { BackgroundClient } from "./types";

export interface SubmitRequest {
  model: string;
  input: UpstreamItem[];
  instructions?: string;
  tools?: unknown[];
  signal?: AbortSignal;
}

/**
 * Start a background run. Exactly one create call: the client must not retry it (quirk 8), because a retried
 * create carries no idempotency key and can start a second run with repeated side effects.
 */
export async function submitBackgroundResponse(
  client: BackgroundClient,
  request: SubmitRequest,
): Promise<UpstreamResponse> {
  const { signal, tools, instructions, ...rest } = request;
  return client.create(
    {
      ...rest,
      ...(instructions ? { instructions } : {}),
      ...(tools && tools.length > 0 ? { tools } : {}),
      background: true,
      stream: false,
    },
    { signal },
  );
}
