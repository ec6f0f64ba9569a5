import { currentAttempt, type TurnSettings } from "@/lib/shared/chat";
import { usageOf } from "@/lib/shared/usage";
import { conversationOf } from "./conversation";
import { ChatRefusal } from "./errors";
import { isLiveRun } from "./live-runs";
import { respondWithRun, type TurnDeps } from "./respond";
import { currentTurnItems } from "./turn-items";

/** A run whose create never reported back within this long was cut off before the upstream accepted it. */
const UNSTARTED_RUN_GRACE_MS = 2 * 60_000;

/** Why a run whose create went out, and whose sender died before storing its answer, ended. */
export const UNSTARTED_RUN_ERROR = "The run was interrupted before the agent accepted it.";

/**
 * Sooner than that when the stream that sent the create is known to be gone (its process restarted or its
 * instance went silent): its answer, the response id, can no longer be stored. This long after the run began,
 * the sender has long since said it follows the run.
 */
const SENDER_GRACE_MS = 10_000;

/**
 * Continue a chat's run in a new stream (after a reload, a restart, or a stream's time budget): replay the
 * assistant message so far from the stored history, then poll on from the stored cursor. Null when there is
 * nothing to resume; ChatRefusal (`missing`) for a chat that is not the owner's.
 */
export async function resumeChatRun(
  deps: TurnDeps,
  request: {
    chatId: string;
    ownerId: string;
    signal?: AbortSignal;
    settings?: TurnSettings;
    /** The server following the run with nobody watching (`followers.ts`). */
    headless?: boolean;
  },
): Promise<Response | null> {
  const chat = await deps.store.getChat(request.chatId, request.ownerId);
  if (!chat) throw new ChatRefusal("missing", "There is no such chat.");
  const run = chat.run;
  if (run?.state !== "running") return null;
  if (!run.responseId) {
    const age = deps.clock.now() - run.startedAt;
    const gone = age > SENDER_GRACE_MS && (await senderGone(deps, chat.id, run.runId));
    if (!run.createSent) {
      // Its sender died before the create went out: this stream sends it (once: `markCreateSent` in runCycles).
      if (!gone) return null;
    } else {
      // Never re-submit (quirk 8 in docs/upstreams.md): a create that may have reached the upstream must not
      // start a second run.
      if (gone || age > UNSTARTED_RUN_GRACE_MS)
        await deps.store.finishRun(chat.id, run.runId, "error", undefined, UNSTARTED_RUN_ERROR);
      return null;
    }
  }
  const stored = chat.messages.find((m) => m.id === run.runId);
  return respondWithRun(
    { ...deps, settings: request.settings },
    {
      chatId: chat.id,
      ownerId: request.ownerId,
      runId: run.runId,
      headless: request.headless,
      // The replay rebuilds the message whole, so the stored snapshot of it is left out.
      originalMessages: chat.messages.filter((m) => m.id !== run.runId),
      history: chat.history,
      clientSignal: request.signal,
      conversation: conversationOf(chat, request.ownerId),
      attempt: currentAttempt(stored),
      prelude: (view) => {
        view.replay(currentTurnItems(chat.history), stored);
        // The replay rebuilds the parts only: the usage counted so far comes from the stored snapshot.
        if (stored?.metadata !== undefined) view.show({ type: "metadata", metadata: stored.metadata });
      },
      resume: run.responseId
        ? { responseId: run.responseId, cursor: run.cursor, input: run.input, startedAt: run.startedAt }
        : undefined,
      runStartedAt: run.startedAt,
      pollsBefore: run.polls,
      usageBase: usageOf(stored),
    },
  );
}

/**
 * Whether the stream that sent a run's first create is gone: not a loop of this process, and either no other
 * process shares the database (embedded PGlite: the sender's process ended) or the instance following the run
 * went silent (this instance then follows it). Unknown (false) without followers.
 */
async function senderGone(deps: TurnDeps, chatId: string, runId: string): Promise<boolean> {
  if (isLiveRun(runId)) return false;
  if (deps.store.processLocal) return true;
  if (!deps.followers) return false;
  return deps.store.followRun(
    chatId,
    runId,
    deps.followers.instanceId,
    deps.clock.now() - deps.followers.staleMs,
  );
}
