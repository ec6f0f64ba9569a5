import { generateId } from "ai";
import { checkDecisions, type Decision, userMessageItem } from "@/lib/background";
import { ChatBusyError, type ChatOwner, type ChatRecord, type TurnAppend } from "@/lib/db/chat-store";
import {
  attemptOutcomeId,
  type ChatMessage,
  currentAttempt,
  RETRYABLE_OUTCOMES,
  type TurnSettings,
} from "@/lib/shared/chat";
import { usageOf } from "@/lib/shared/usage";
import { ToolCallTracker } from "@/lib/stream/item-parts";
import type { RunView } from "@/lib/stream/run-view";
import { conversationOf } from "./conversation";
import { ChatRefusal } from "./errors";
import { respondWithRun, type TurnDeps } from "./respond";
import { currentTurnItems } from "./turn-items";
import { editPoint, regeneratePoint } from "./versions";

export type { TurnDeps } from "./respond";

export type TurnInput =
  | { kind: "message"; message: ChatMessage; text: string }
  | { kind: "approval"; decisions: Decision[] }
  | { kind: "retry" }
  /** Edit and resend: the user message `messageId` asked again as `message`, in a new version. */
  | { kind: "edit"; messageId: string; message: ChatMessage; text: string }
  /** A new version of the answer `messageId` (or of the answer following the user message `messageId`). */
  | { kind: "regenerate"; messageId: string };

export interface TurnRequest {
  chatId: string;
  /** Who sends it: a chat is created for, and continued only by, its owner. */
  owner: ChatOwner;
  turn: TurnInput;
  /** The person's validated choices for this run (poll interval, reveal speed); absent ones keep the server's. */
  settings?: TurnSettings;
  /** Aborts when the browser goes away: polling ends, the upstream run goes on and can be resumed. */
  signal?: AbortSignal;
}

/**
 * One chat turn: record the user's message (or the approval decisions), submit the conversation as a
 * background response, and stream the run to the browser as it is polled. Throws ChatRefusal, ChatBusyError
 * or RunLimitError (over a limit of the person's), with nothing stored, when the turn is refused.
 */
export async function startChatTurn(deps: TurnDeps, request: TurnRequest): Promise<Response> {
  const { chatId, turn, owner } = request;
  const continues = turn.kind === "approval" || turn.kind === "retry";
  const existing = turn.kind !== "message" ? await deps.store.getChat(chatId, owner.id) : undefined;
  if (turn.kind !== "message" && !existing) throw new ChatRefusal("missing", "There is no such chat.");
  // Said first: while a run goes on there is no finished message to continue, and no version to start: the
  // run would write into a branch being set aside (beginTurn checks it again). Stop it first.
  if (existing?.run?.state === "running") throw new ChatBusyError();
  // An approval continues the assistant message that asked for it, a retry the one that ended early; a
  // message, an edit or a regenerate starts a new one.
  const runId = continues ? lastAssistantMessageId(existing) : generateId();
  const chat = await deps.store.beginTurn(chatId, runId, (current) => prepareTurn(current, turn), {
    create: turn.kind === "message",
    owner,
    limits: deps.runLimits,
  });
  const calls = continues
    ? ToolCallTracker.continuing(
        chat.messages.at(-1),
        turn.kind === "approval" ? turn.decisions.map((d) => d.approvalRequestId) : [],
        deps.clock.now,
      )
    : undefined;
  return respondWithRun(
    { ...deps, settings: request.settings },
    {
      chatId,
      ownerId: owner.id,
      runId,
      originalMessages: chat.messages,
      history: chat.history,
      calls,
      clientSignal: request.signal,
      conversation: conversationOf(chat, owner.id),
      runStartedAt: chat.run?.startedAt ?? deps.clock.now(),
      // An approval's follow-up and a retry add to what the answer has cost so far.
      usageBase: continues ? usageOf(chat.messages.at(-1)) : undefined,
      // A retry is the answer's next attempt; an approval goes on with the attempt that asked for it.
      attempt: continues ? currentAttempt(existing?.messages.at(-1)) + (turn.kind === "retry" ? 1 : 0) : 1,
      prelude:
        turn.kind === "approval"
          ? // Shown on their cards at once; a denied tool will never produce output.
            (view) => view.show({ type: "decisions", decisions: turn.decisions })
          : turn.kind === "retry"
            ? (view) => showRetried(view, existing)
            : undefined,
    },
  );
}

function prepareTurn(chat: ChatRecord | undefined, turn: TurnInput): TurnAppend {
  if (turn.kind === "message") return { message: turn.message, items: [userMessageItem(turn.text)] };
  if (!chat) throw new ChatRefusal("missing", "There is no such chat.");
  // Pending approvals in the part set aside simply lapse: they are no longer in the history the agent gets.
  if (turn.kind === "edit") {
    const fork = editPoint(chat, turn.messageId, turn.message.id);
    return { message: turn.message, items: [userMessageItem(turn.text)], fork };
  }
  if (turn.kind === "regenerate") return { items: [], fork: regeneratePoint(chat, turn.messageId) };
  if (turn.kind === "retry") {
    // Checked here, under the chat's lock: a run that is still going is refused as busy before this.
    const state = chat.run?.state;
    const last = chat.messages.at(-1);
    const endedEarly =
      last?.id === chat.run?.runId
        ? state !== undefined && state !== "completed"
        : // A version switched back to: an earlier run wrote its answer, which says how that run ended.
          last?.role === "assistant" && endedEarlyAsShown(last);
    if (!endedEarly)
      throw new ChatRefusal("conflict", "There is nothing to retry: the last answer finished.");
    // The history already holds the question and whatever the run showed: the agent gets it all again.
    return { items: [] };
  }
  const check = checkDecisions(chat.history, turn.decisions);
  if (!check.ok) throw new ChatRefusal(check.code, check.message);
  return { items: check.responses };
}

/** The answer's last word on its run is an early end (failed, stopped…), as its Retry button reads it. */
function endedEarlyAsShown(message: ChatMessage): boolean {
  const outcome = message.parts.findLast((part) => part.type === "data-run-outcome");
  return outcome?.type === "data-run-outcome" && RETRYABLE_OUTCOMES.has(outcome.data.status);
}

function lastAssistantMessageId(chat: ChatRecord | undefined): string {
  if (!chat) throw new ChatRefusal("missing", "There is no such chat.");
  const message = chat.messages.at(-1);
  if (message?.role !== "assistant") {
    throw new ChatRefusal("conflict", "There is no approval request waiting in this chat.");
  }
  return message.id;
}

/**
 * Replace the earlier attempt's notice on the message, in its place, with one saying it was retried and why
 * (and where in the turn's items, for a message rebuilt from them).
 */
function showRetried(view: RunView, chat: ChatRecord | undefined) {
  const message = chat?.messages.at(-1);
  const previous = message?.parts.findLast((part) => part.type === "data-run-outcome");
  const why = previous?.type === "data-run-outcome" ? previous.data.message : "The run ended early.";
  view.show({
    type: "outcome",
    id:
      (previous?.type === "data-run-outcome" ? previous.id : undefined) ??
      attemptOutcomeId(currentAttempt(message)),
    data: {
      status: "retried",
      message: `Retried after: ${why}`,
      atItem: currentTurnItems(chat?.history ?? []).length,
    },
  });
}
