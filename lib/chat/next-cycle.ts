import type { Clock } from "@/lib/background";
import type { ChatStore, RunState } from "@/lib/db/chat-store";
import type { UpstreamItem } from "@/lib/shared/upstream";

/** Where to pick a run up: the response being followed, the cursor into its output, the input it was created with. */
export interface ResumePoint {
  responseId: string;
  cursor: number;
  input: UpstreamItem[];
  startedAt: number;
}

/** Who answers a finished response's function calls and submits the run's next cycle. */
export type NextCycle =
  /** This stream: run the calls and submit. */
  | { kind: "claimed" }
  /** Another stream did: continue with the response it submitted, showing the outputs it stored. */
  | { kind: "followed"; resume: ResumePoint; outputs: UpstreamItem[] }
  /** The run ended meanwhile (stopped, or finished by the other stream) or is no longer the chat's run. */
  | { kind: "ended"; state?: RunState }
  /**
   * The stream that claimed the cycle died after sending its create and before storing the answer: that
   * response may be running upstream with no id to find it by, and a second create would run the step twice.
   */
  | { kind: "interrupted"; message: string };

/** What the person reads when a run's next step was sent and its sender died before the answer came back. */
export const INTERRUPTED_CYCLE_MESSAGE =
  "The run was interrupted while its next step was being sent to the agent. It is not sent again, so the agent does not run it twice: ask again to continue.";

export interface NextCycleRequest {
  store: ChatStore;
  clock: Clock;
  chatId: string;
  runId: string;
  /** The finished response whose calls need answering. */
  responseId: string;
  callIds: string[];
  startedAt: number;
  intervalMs: number;
  signal: AbortSignal;
}

/**
 * Several streams may follow one run (two tabs on a chat, or a stream still finishing while the next
 * one starts). Only one may answer the calls and create the next response, or the agent would get every
 * output twice and a duplicate run. This claims the cycle, or else waits for the holder's response to
 * appear and follows it (taking over when the holder died and its claim lapsed, unless it died with the create
 * sent: then the run is interrupted). Undefined when `signal` ended the wait.
 */
export async function claimOrFollowNextCycle(request: NextCycleRequest): Promise<NextCycle | undefined> {
  const { store, clock, chatId, runId, responseId, signal } = request;
  while (!signal.aborted) {
    const claim = await store.claimNextCycle(chatId, runId, responseId);
    if (claim === "claimed") return { kind: "claimed" };
    if (claim === "interrupted") return { kind: "interrupted", message: INTERRUPTED_CYCLE_MESSAGE };
    const check = await store.checkRun(chatId, runId, 0);
    if (!check) return { kind: "ended" };
    if (check.state !== "running") return { kind: "ended", state: check.state };
    if (check.responseId && check.responseId !== responseId) {
      const chat = await store.getChat(chatId);
      const run = chat?.run;
      if (!chat || !run?.responseId || run.runId !== runId) return { kind: "ended" };
      const wanted = new Set(request.callIds);
      const outputs = chat.history.filter(
        (item) => item.type === "function_call_output" && wanted.has(String(item.call_id)),
      );
      return {
        kind: "followed",
        outputs,
        resume: { responseId: run.responseId, cursor: 0, input: run.input, startedAt: request.startedAt },
      };
    }
    await clock.sleep(request.intervalMs, signal);
  }
  return undefined;
}
