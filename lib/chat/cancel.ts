import { type BackgroundClient, describeUpstreamError } from "@/lib/background";
import type { ChatStore, RunState } from "@/lib/db/chat-store";
import { type ChatMessage, type RunOutcomeData, stoppedNotice, withRunOutcome } from "@/lib/shared/chat";
import { ChatRefusal } from "./errors";
import { stopLiveRun } from "./live-runs";

export interface CancelResult {
  /** The run's state after the call. */
  state: RunState | "none";
  /**
   * What the upstream said: cancelled, cannot cancel (it has no cancel, or answered 404/405/501: the app stops
   * following anyway, the run may go on upstream), failed, or not asked.
   */
  upstream: "cancelled" | "unsupported" | "failed" | "not-asked";
  message?: string;
  /** The note the chat shows under the stopped answer (the same one the run's stream ends with). */
  notice?: RunOutcomeData;
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
  if (!chat) throw new ChatRefusal("missing", "There is no such chat.");
  const run = chat.run;
  if (run?.state !== "running") return { state: run?.state ?? "none", upstream: "not-asked" };

  // This process's polling ends first: a poll loop left running while the cancel is on its way would
  // retrieve the run again after the upstream was told to cancel it.
  const shownHere = stopLiveRun(run.runId, "cancelled") > 0;
  const notice = stoppedNotice(deps.client);
  let result: CancelResult = { state: "cancelled", upstream: "not-asked", notice };
  if (run.responseId && !deps.client.cancel) {
    result = { ...result, upstream: "unsupported" };
  } else if (run.responseId && deps.client.cancel) {
    try {
      await deps.client.cancel(run.responseId);
      result = { ...result, upstream: "cancelled" };
    } catch (err) {
      const info = describeUpstreamError(err);
      const unsupported = info.kind === "not_found" || info.status === 405 || info.status === 501;
      result = { ...result, upstream: unsupported ? "unsupported" : "failed", message: info.message };
    }
  }
  // A stream showing the run stores the message with its "stopped" note when it ends. With none here (Stop
  // between a hand-over and its reconnect, or on another instance), the note goes into the stored message, so
  // the browser's reconnect and any reload show it. Read again just before: a stream elsewhere may have stored
  // a newer message as the upstream cancel ended it.
  const message = shownHere
    ? undefined
    : await stoppedMessage(deps.store, chatId, ownerId, run.runId, notice);
  await deps.store.finishRun(chatId, run.runId, "cancelled", message, "Stopped by the user.");
  return result;
}

async function stoppedMessage(
  store: ChatStore,
  chatId: string,
  ownerId: string,
  runId: string,
  notice: RunOutcomeData,
): Promise<ChatMessage> {
  const stored = (await store.getChat(chatId, ownerId))?.messages.find((m) => m.id === runId);
  return withRunOutcome(stored ?? { id: runId, role: "assistant", parts: [] }, notice);
}
