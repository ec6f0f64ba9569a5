import { type BackgroundClient, describeUpstreamError } from "@/lib/background";
import type { ChatStore, RunState } from "@/lib/db/chat-store";
import { ApiError } from "@/lib/http/errors";
import { stopLiveRun } from "./live-runs";

export interface CancelResult {
  /** The run's state after the call. */
  state: RunState | "none";
  /** What the upstream said: cancelled, cannot cancel (404/405: polling stops anyway), failed, or not asked. */
  upstream: "cancelled" | "unsupported" | "failed" | "not-asked";
  message?: string;
}

/**
 * Stop: cancel the run upstream, end this process's polling of it at once, and mark it cancelled so every
 * other viewer stops too. Idempotent: a chat with no run in progress just reports its state.
 */
export async function cancelChatRun(
  deps: { store: ChatStore; client: BackgroundClient },
  chatId: string,
  ownerId: string,
): Promise<CancelResult> {
  const chat = await deps.store.getChat(chatId, ownerId);
  if (!chat) throw new ApiError("not_found", "There is no such chat.");
  const run = chat.run;
  if (run?.state !== "running") return { state: run?.state ?? "none", upstream: "not-asked" };

  // This process's polling ends first: a poll loop left running while the cancel is on its way would
  // retrieve the run again after the upstream was told to cancel it.
  stopLiveRun(run.runId, "cancelled");
  let result: CancelResult = { state: "cancelled", upstream: "not-asked" };
  if (run.responseId) {
    try {
      await deps.client.cancel(run.responseId);
      result = { state: "cancelled", upstream: "cancelled" };
    } catch (err) {
      const info = describeUpstreamError(err);
      const unsupported = info.kind === "not_found" || info.status === 405;
      result = {
        state: "cancelled",
        upstream: unsupported ? "unsupported" : "failed",
        message: info.message,
      };
    }
  }
  await deps.store.finishRun(chatId, run.runId, "cancelled", undefined, "Stopped by the user.");
  return result;
}
