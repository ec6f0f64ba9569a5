import { awaitsApproval, type ChatMessage, type ToolMetadata } from "@/lib/shared/chat";

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

type Part = ChatMessage["parts"][number];

/** An approval card: asked for, or decided (it stays a card of its own, never folded into the steps). */
export function isApprovalPart(part: Part): boolean {
  return part.type === "dynamic-tool" && (part.state === "approval-requested" || part.approval !== undefined);
}

/**
 * A work step: a tool call, a reasoning summary, an MCP server's tool list or an item the app has no card for.
 * The one definition of "step": the message folds consecutive steps under one header, and the status line
 * counts the answer's steps, both with it.
 */
export function isStepPart(part: Part): boolean {
  return (
    (part.type === "dynamic-tool" && !isApprovalPart(part)) ||
    part.type === "reasoning" ||
    part.type === "data-upstream-item" ||
    part.type === "data-mcp-tools"
  );
}

/** What a step is called in the header and the status line. */
export function stepName(part: Part): string {
  if (part.type === "dynamic-tool") return part.toolName;
  if (part.type === "reasoning") return "reasoning";
  if (part.type === "data-mcp-tools") return `${part.data.serverLabel} tools`;
  if (part.type === "data-upstream-item") return part.data.itemType;
  return part.type;
}

/**
 * A group's header, naming every step it counts: a name that repeats says how often ("4 steps: reasoning ×2,
 * query_sales_genie, summarize_trends"), so the count and the names always agree.
 */
export function stepsHeader(parts: readonly Part[]): string {
  const names = new Map<string, number>();
  for (const part of parts) names.set(stepName(part), (names.get(stepName(part)) ?? 0) + 1);
  const named = [...names].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name));
  return `${parts.length} ${parts.length === 1 ? "step" : "steps"}: ${named.join(", ")}`;
}

/** How many steps the answer has taken so far (the headers' definition, over all its groups), and the latest. */
export function answerSteps(message: ChatMessage | undefined): { count: number; latest?: string } {
  const steps = (message?.parts ?? []).filter(isStepPart);
  const latest = steps.at(-1);
  return { count: steps.length, latest: latest && stepName(latest) };
}

/** The status line's words for them: "3 steps, latest summarize_trends". */
export function stepsStatus(steps: { count: number; latest?: string }): string {
  return `${steps.count} ${steps.count === 1 ? "step" : "steps"}, latest ${steps.latest}`;
}

/** Past this gap between the browser's and the server's clocks, the server's start time is not trusted. */
const MAX_CLOCK_SKEW_MS = 5_000;

/**
 * When the run began, in browser time: the stored run's start (so the time does not lag behind the status
 * parts, which are not sent every second), unless the two clocks disagree by more than a few seconds; then
 * from the elapsed time the status part carried when it was received.
 */
export function runStartedAtMs(
  status: { elapsedMs: number; startedAt?: number },
  receivedAt: number,
): number {
  const fromElapsed = receivedAt - status.elapsedMs;
  if (status.startedAt === undefined) return fromElapsed;
  return Math.abs(status.startedAt - fromElapsed) <= MAX_CLOCK_SKEW_MS ? status.startedAt : fromElapsed;
}

/**
 * A finished tool card's duration, as the app saw the call (see finishedMeta in lib/stream/item-parts.ts for
 * how a start is taken when the call came with its result). The app's own tools are timed to the millisecond;
 * hosted and MCP calls only to within a look at the run, so "~N s", and "<1 s" below a second. A card whose
 * times were not recorded (an answer from before they were) says so rather than showing nothing.
 */
export function toolDurationLabel(meta: Partial<ToolMetadata>): string {
  if (typeof meta.startedAt !== "number" || typeof meta.finishedAt !== "number") return "time not recorded";
  const ms = Math.max(0, meta.finishedAt - meta.startedAt);
  if (meta.kind === "client")
    return ms < 1000 ? `${Math.max(1, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
  return ms < 1000 ? "<1 s" : `~${Math.round(ms / 1000)} s`;
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
