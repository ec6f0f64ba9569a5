import type { ChatMessage } from "@/lib/shared/chat";

/**
 * What a run is doing, as the person sees it. `writing`: the upstream shows the answer being written (a polled
 * run's words arrive once it is finished); `finishing`: the run is over upstream and its answer is still
 * being revealed; `approval`: no run is going, the agent waits for a decision on an approval card.
 */
export type RunPhase =
  | "submitting"
  | "reconnecting"
  | "queued"
  | "running"
  | "writing"
  | "finishing"
  | "approval";

export const PHASE_LABEL: Record<RunPhase, string> = {
  submitting: "Submitting",
  reconnecting: "Reconnecting",
  queued: "Queued",
  running: "Running",
  writing: "Writing the answer",
  finishing: "Finishing",
  approval: "Waiting for your approval",
};

/** The upstream statuses that end a run: seen while busy, the answer is still on its way to the screen. */
const TERMINAL = new Set(["completed", "failed", "cancelled", "incomplete"]);

/**
 * The phase from the request state (`busy`: a stream is open or reconnecting), the server's last status part
 * and the message being answered. Null when nothing is going on.
 */
export function runPhase(
  busy: boolean,
  serverStatus: string | undefined,
  message?: ChatMessage,
  writing?: boolean,
): RunPhase | null {
  if (!busy) return message && awaitsApproval(message) ? "approval" : null;
  if (serverStatus === undefined) return "submitting";
  if (serverStatus === "submitting" || serverStatus === "reconnecting" || serverStatus === "queued") {
    return serverStatus;
  }
  if (TERMINAL.has(serverStatus)) return "finishing";
  return writing ? "writing" : "running";
}

/** The assistant message of the current turn: the last message, when the agent has started answering. */
export function currentAnswer(messages: readonly ChatMessage[]): ChatMessage | undefined {
  const last = messages.at(-1);
  return last?.role === "assistant" ? last : undefined;
}

/** An approval card of this message is still waiting for the person's answer. */
export function awaitsApproval(message: ChatMessage): boolean {
  return message.parts.some((part) => part.type === "dynamic-tool" && part.state === "approval-requested");
}

/** How many tool steps the answer has taken so far, and the name of the latest. */
export function toolSteps(message: ChatMessage | undefined): { count: number; latest?: string } {
  const tools = (message?.parts ?? []).flatMap((part) =>
    part.type === "dynamic-tool" ? [part.toolName] : [],
  );
  return { count: tools.length, latest: tools.at(-1) };
}

export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}m ${String(s).padStart(2, "0")}s` : `${s}s`;
}

/** The browser tab's title during a run, so a person in another tab sees it going: "● Running 1m 05s · Title". */
export function runTabTitle(phase: RunPhase, elapsedMs: number, title: string): string {
  const what =
    phase === "approval" ? PHASE_LABEL.approval : `${PHASE_LABEL[phase]} ${formatElapsed(elapsedMs)}`;
  return `● ${what} · ${title}`;
}

/**
 * What to tell the person (once, politely) when a run has ended: from the outcome note on the answer, or the
 * request's own error when the turn never got an answer.
 */
export function endAnnouncement(message: ChatMessage | undefined, requestError?: string): string {
  if (requestError) return `Run failed: ${requestError}`;
  if (message && awaitsApproval(message)) return "Run paused: waiting for your approval";
  const outcome = message?.parts.findLast((part) => part.type === "data-run-outcome");
  if (outcome?.type === "data-run-outcome") {
    const { status, message: why } = outcome.data;
    if (status === "cancelled") return "Run stopped";
    if (status === "incomplete") return `Run ended early: ${why}`;
    if (status !== "retried") return `Run failed: ${why}`;
  }
  return "Run finished";
}
