import type { ConversationRef } from "@/lib/background";
import type { OpenRun, RunLimits, RunState } from "@/lib/db/chat-store";
import type { PushSend } from "@/lib/push/send";
import { type ChatMessage, stoppedNotice } from "@/lib/shared/chat";
import type { UpstreamItem } from "@/lib/shared/upstream";
import type { AnswerUsage } from "@/lib/shared/usage";
import type { ToolCallTracker } from "@/lib/stream/item-parts";
import { RunView } from "@/lib/stream/run-view";
import { uiMessageStreamResponse } from "@/lib/stream/ui-response";
import { type CycleDeps, runCycles } from "./cycles";
import { registerLiveRun } from "./live-runs";
import type { ResumePoint } from "./next-cycle";
import { watchStoredRun } from "./run-watch";
import { UsageTally } from "./usage-tally";

export interface TurnDeps extends CycleDeps {
  /** How long one streaming response may run before it hands over to a reconnect (STREAM_BUDGET_MS). */
  streamBudgetMs: number;
  /** Who follows a run whose stream ended while it goes on (`followers.ts`); without it, nobody until a browser. */
  followers?: RunAdopter;
  /** Sends a Web Push to one browser (lib/push): how a person hears of a run that ended with nobody watching. */
  push?: PushSend;
  /** Per-person limits on runs, checked as a turn begins (none when absent). */
  runLimits?: RunLimits;
}

export interface RunAdopter {
  /** A browser's stream follows the run now (other instances give way to it). */
  watching(run: Omit<OpenRun, "ownerId">, deps: TurnDeps): void;
  /** The run's stream ended with the run going on upstream. */
  unfollowed(run: OpenRun, deps: TurnDeps): void;
  readonly instanceId: string;
  /** An instance not heard from for this long is gone (its runs are taken over). */
  readonly staleMs: number;
}

/** Headers that keep proxies from buffering or transforming the event stream. */
const STREAM_HEADERS = { "Cache-Control": "no-cache, no-transform" };

export interface RunResponseOptions {
  chatId: string;
  /** Whose chat it is. */
  ownerId: string;
  runId: string;
  /** Followed by the server with nobody watching: a browser's stream of the run ends this one. */
  headless?: boolean;
  originalMessages: ChatMessage[];
  history: UpstreamItem[];
  /** The tool calls already on the message this run continues (an approval's, a retry's). */
  calls?: ToolCallTracker;
  /** The browser's request: when it goes away, polling ends (the run does not). */
  clientSignal?: AbortSignal;
  /** Shown right after `start`: decisions on their cards, a retry's note, or the replay of a resumed message. */
  prelude?: (view: RunView) => void;
  resume?: ResumePoint;
  /** The chat's conversation as the agent knows it, and who asks. */
  conversation: ConversationRef;
  /** Which attempt of the answer this run is (a retry's is one more than the one it retries); default 1. */
  attempt?: number;
  /** When the stored run began (its run time and elapsed time count from it). */
  runStartedAt: number;
  /** The stored run's retrieve count when this stream began (earlier streams of the run). */
  pollsBefore?: number;
  /** The answer's usage when this stream began: its earlier runs' (approval, retry) or an earlier stream's. */
  usageBase?: AnswerUsage;
}

/**
 * Stream a run to the browser as a UI message stream and store how it went. Three ways to stop early:
 * Stop (the run is cancelled: say so and finish), the stream budget (end without `finish`, so the browser
 * reconnects and another stream continues from the stored cursor), or the browser leaving (just stop).
 */
export function respondWithRun(deps: TurnDeps, options: RunResponseOptions): Response {
  const { chatId, runId } = options;
  let finalState: RunState = "running";
  let finalError: string | undefined;

  return uiMessageStreamResponse({
    originalMessages: options.originalMessages,
    headers: STREAM_HEADERS,
    unread: options.headless,
    execute: async (stream, readerGone) => {
      stream.write({ type: "start", messageId: runId });
      const live = registerLiveRun(runId, { headless: options.headless });
      if (!options.headless) deps.followers?.watching({ chatId, runId }, deps);
      const watch = watchStoredRun({
        ...deps,
        chatId,
        runId,
        intervalMs: deps.pollIntervalMs,
        // The server's own loop gives way when a browser's stream on another instance takes the run.
        ...(options.headless && deps.followers ? { followedBy: deps.followers.instanceId } : {}),
      });
      const pollsBefore = options.pollsBefore ?? 0;
      const view = new RunView(stream, {
        calls: options.calls,
        clientTools: new Set(deps.registry.names()),
        runClock: {
          startedAt: options.runStartedAt,
          now: deps.clock.now,
          polls: () => pollsBefore + watch.retrieves(),
        },
        attempt: options.attempt,
      });
      options.prelude?.(view);
      // Stop reaches this loop directly (same process) or through the stored run (another instance).
      const stopSignal = AbortSignal.any([live.signal, watch.signal]);
      const budget = AbortSignal.timeout(deps.streamBudgetMs);
      const usage = new UsageTally(options.usageBase, options.runStartedAt);
      const signal = AbortSignal.any([
        stopSignal,
        budget,
        // The browser stopped reading: the loop would poll on for nobody (the server follows the run instead).
        readerGone,
        ...(options.clientSignal ? [options.clientSignal] : []),
      ]);
      let ended = false;
      try {
        const outcome = await runCycles(
          { ...deps, client: watch.client },
          {
            chatId,
            runId,
            history: options.history,
            view,
            runStartedAt: options.runStartedAt,
            signal,
            stopSignal,
            resume: options.resume,
            conversation: options.conversation,
            usage,
          },
        );
        ended = outcome !== undefined || stopSignal.reason === "cancelled";
        if (ended) usage.runEnded(deps.clock.now(), view.calls.size, view);
        if (outcome) {
          finalState = outcome.status;
          finalError = "message" in outcome ? outcome.message : undefined;
          view.show({ type: "finished", completed: outcome.status === "completed" });
        } else if (stopSignal.reason === "cancelled") {
          finalState = "cancelled";
          finalError = "Stopped by the user.";
          view.show({ type: "outcome", data: stoppedNotice(deps.client) });
          view.show({ type: "finished", completed: false });
        } else if (stopSignal.reason === "gone") {
          // The chat was deleted or moved on to a newer turn: nothing left for this stream to show.
          view.show({ type: "finished", completed: false });
        } else if (budget.aborted) {
          // No `finish`: the browser takes this as a hand-over and reconnects to GET /api/chat/{id}/stream.
          view.show({ type: "status", status: "reconnecting" });
        }
      } finally {
        // The run goes on upstream without this loop (the browser left, the budget, a viewer took over, or the
        // loop failed): the server follows it if nobody else does.
        if (!ended && stopSignal.reason !== "gone")
          deps.followers?.unfollowed({ chatId, ownerId: options.ownerId, runId }, deps);
        live.release();
        await watch.close();
      }
    },
    onEnd: async ({ responseMessage }) => {
      await deps.store.finishRun(chatId, runId, finalState, responseMessage, finalError);
    },
  });
}
