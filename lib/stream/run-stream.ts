import type { Clock, PollEvent, RunOutcome } from "@/lib/background";
import {
  discardedTextMetadata,
  type RevealSpeed,
  type RunOutcomeData,
  STOPPED_NOTICE,
} from "@/lib/shared/chat";
import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import { ToolCallTracker, viewItem } from "./item-parts";
import { benchRevealPacing, revealPacing, revealText } from "./reveal";
import type { ChunkWriter } from "./ui-response";

/** The bench's pacing switch (`benchRevealPacing`), read once per process rather than for every answer. */
const BENCH_PACING = benchRevealPacing();

/** An unchanged status is sent again after this long: under the engine's 4 s heartbeat, so those always pass. */
const STATUS_KEEPALIVE_MS = 3_500;

/** How a run ended, with the final response when the upstream gave one. */
export interface RunEnd {
  outcome: RunOutcome;
  response?: UpstreamResponse;
}

export interface RunStreamOptions {
  writer: ChunkWriter;
  clock: Clock;
  signal?: AbortSignal;
  /** The person's choice; absent is `normal`, the server's own pacing. */
  revealSpeed?: RevealSpeed;
  /** Tool calls already on screen in this message; shared across the cycles of one turn. */
  calls?: ToolCallTracker;
  /** Names of the app's own function tools, so their cards say they ran here. */
  clientTools?: ReadonlySet<string>;
  /** Called once per item after its parts were written, with the cursor to store. */
  onItemSent?: (item: UpstreamItem, cursor: number) => Promise<void> | void;
  /** The agent moved this chat's conversation to another id: later runs must use it. */
  onConversationMoved?: (conversationId: string) => Promise<void> | void;
}

/**
 * Turn the engine's events into UI message stream parts: items as text/tool/reasoning parts, progress as
 * transient `data-run-status` parts, and an unsuccessful end as a stored `data-run-outcome` part.
 * Returns how the run ended, or undefined when the events stopped without an end (the caller aborted).
 */
export async function streamRunToUI(
  events: AsyncIterable<PollEvent>,
  options: RunStreamOptions,
): Promise<RunEnd | undefined> {
  const { writer, clock, signal } = options;
  const calls = options.calls ?? new ToolCallTracker(clock.now);
  // The first call of this cycle started no earlier than now (its create, or this stream's resume).
  calls.itemSeen();
  let lastStatus: Extract<PollEvent, { type: "status" }> | undefined;
  let lastStatusAt = Number.NEGATIVE_INFINITY;
  /** The text part the upstream is streaming into (real deltas), open until its item is finished. */
  let live: { index: number; id: string; sent: string } | undefined;
  const closeLive = () => {
    if (live) writer.write({ type: "text-end", id: live.id });
    live = undefined;
  };
  try {
    for await (const event of events) {
      switch (event.type) {
        case "status": {
          // The browser counts the elapsed time itself: a status is sent when it says something new (a new
          // state, a retry) and otherwise as a keep-alive, not after every retrieve (at 1,000 runs a write per
          // poll was a measurable share of the server's time).
          const changed =
            event.status !== lastStatus?.status ||
            !!event.retrying !== !!lastStatus?.retrying ||
            !!event.writing !== !!lastStatus?.writing;
          if (!changed && clock.now() - lastStatusAt < STATUS_KEEPALIVE_MS) break;
          const { type: _, ...data } = event;
          writer.write({ type: "data-run-status", id: "run-status", transient: true, data });
          lastStatus = event;
          lastStatusAt = clock.now();
          break;
        }
        case "delta": {
          if (live?.index !== event.index) {
            closeLive();
            live = { index: event.index, id: event.itemId, sent: "" };
            writer.write({ type: "text-start", id: live.id });
          }
          writer.write({ type: "text-delta", id: live.id, delta: event.delta });
          live.sent += event.delta;
          break;
        }
        case "discard": {
          // The text streamed for an item that will never finish as such: ended as a void part, which the
          // message view leaves out (and says why, when the agent's worker restarted).
          if (live?.index === event.index) {
            writer.write({
              type: "text-end",
              id: live.id,
              providerMetadata: discardedTextMetadata(event.reason),
            });
            live = undefined;
          }
          break;
        }
        case "conversation": {
          await options.onConversationMoved?.(event.conversationId);
          break;
        }
        case "item": {
          const item = calls.pairResult(event.item);
          const view = viewItem(item, event.index, calls, options.clientTools);
          if (view?.kind === "text") {
            // What was streamed is not sent again: only the rest (all of it when polled). A final text that does
            // not continue what was streamed (a correct upstream never sends one) adds nothing.
            const streamed = live?.index === event.index ? live : undefined;
            live = undefined;
            const id = streamed?.id ?? view.id;
            const rest = !streamed
              ? view.text
              : view.text.startsWith(streamed.sent)
                ? view.text.slice(streamed.sent.length)
                : "";
            if (!streamed) writer.write({ type: "text-start", id });
            const pacing = { ...revealPacing(options.revealSpeed), ...BENCH_PACING };
            for await (const delta of revealText(rest, { clock, signal, ...pacing })) {
              writer.write({ type: "text-delta", id, delta });
            }
            writer.write({ type: "text-end", id });
            for (const chunk of view.after) writer.write(chunk);
          } else if (view) {
            closeLive();
            for (const chunk of view.chunks) writer.write(chunk);
          }
          await options.onItemSent?.(item, event.cursor);
          calls.itemSeen();
          break;
        }
        case "end": {
          closeLive();
          const notice = outcomeNotice(event.outcome);
          if (notice) writer.write({ type: "data-run-outcome", id: "run-outcome", data: notice });
          return { outcome: event.outcome, response: event.response };
        }
      }
    }
    return undefined;
  } finally {
    // Stopped or cut mid-answer: what was streamed stays, as a finished part.
    closeLive();
  }
}

/** What to tell the person when a run did not simply complete. */
export function outcomeNotice(outcome: RunOutcome): RunOutcomeData | null {
  switch (outcome.status) {
    case "completed":
      return null;
    case "cancelled":
      return STOPPED_NOTICE;
    case "incomplete":
      return {
        status: "incomplete",
        message:
          outcome.reason === "max_output_tokens"
            ? "The answer was cut off: the agent reached its output limit."
            : outcome.reason === "content_filter"
              ? "The answer was cut off by a content filter."
              : `The answer is incomplete (${outcome.reason}).`,
      };
    case "failed":
    case "expired":
    case "error":
      return { status: outcome.status, message: outcome.message };
  }
}
