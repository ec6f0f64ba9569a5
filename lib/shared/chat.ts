import type { UIMessage } from "ai";

/** Live run progress; sent as a transient `data-run-status` part (shown, never stored in the message). */
export interface RunStatusData {
  status: string;
  elapsedMs: number;
  /**
   * Retrieve calls made for the run so far: the stored run's count when this stream began (earlier streams,
   * before a reload or a hand-over) plus this stream's, across every cycle.
   */
  polls: number;
  /**
   * When the stored run began (epoch ms, the server's clock): the browser counts the elapsed time from it
   * rather than from when a status part happened to arrive.
   */
  startedAt?: number;
  responseId?: string;
  /** Set while the server is backing off after an upstream error. */
  retrying?: { attempt: number; delayMs: number; message: string };
  /** The upstream shows the answer being written (its words arrive when it is finished). */
  writing?: boolean;
}

/** How a run ended, when it did not simply complete; stored in the assistant message so a reload shows it. */
export interface RunOutcomeData {
  /** `retried`: an earlier attempt of this answer ended early (the message says how) and was run again. */
  status: "failed" | "cancelled" | "incomplete" | "expired" | "error" | "retried";
  message: string;
  /**
   * `retried`: how many of the turn's upstream items came before the retry, so a message rebuilt from them (a
   * reconnect) puts the note back where the retry began.
   */
  atItem?: number;
}

/** An upstream item type the UI has no dedicated card for: shown generically, never dropped. */
export interface UpstreamItemData {
  itemType: string;
  itemId?: string;
  summary: string;
}

/** The tools an MCP server offered the agent (`mcp_list_tools`). */
export interface McpToolsData {
  serverLabel: string;
  tools: Array<{ name: string; description?: string }>;
  error?: string;
}

/** Carried in a tool part's `toolMetadata`: where the tool ran and when the app saw it start and end. */
export type ToolMetadata = {
  kind: "hosted" | "client" | "mcp";
  serverLabel?: string;
  startedAt: number;
  finishedAt?: number;
};

export type ChatDataParts = {
  "run-status": RunStatusData;
  "run-outcome": RunOutcomeData;
  "upstream-item": UpstreamItemData;
  "mcp-tools": McpToolsData;
};

export type ChatMessage = UIMessage<unknown, ChatDataParts>;

/** What the chat says under a run that was stopped. */
export const STOPPED_NOTICE: RunOutcomeData = { status: "cancelled", message: "The run was stopped." };

/** Under a run stopped on an upstream that cannot cancel: the app stopped following, the agent goes on. */
export const STOPPED_FOLLOWING_NOTICE: RunOutcomeData = {
  status: "cancelled",
  message: "Stopped here; the agent may still finish upstream.",
};

/** The note for Stop: whether the upstream can cancel a run decides what Stop did. */
export function stoppedNotice(upstream: { cancel?: unknown }): RunOutcomeData {
  return upstream.cancel ? STOPPED_NOTICE : STOPPED_FOLLOWING_NOTICE;
}

/**
 * A text part the run voided: the agent's worker died mid-answer and a new attempt wrote it again
 * (`restarted`), or the text moved to a later part (`moved`). Marked in the part's `providerMetadata` (the one
 * place a finished text part can carry a mark) and left out of what the message shows and copies.
 */
const DISCARDED_TEXT_NAMESPACE = "backgroundAgentChat";

export function discardedTextMetadata(reason: "restarted" | "moved") {
  return { [DISCARDED_TEXT_NAMESPACE]: { discarded: reason } };
}

/** Why a text part was voided, or undefined for a text part that stands. */
export function discardedTextReason(part: { providerMetadata?: unknown }): "restarted" | "moved" | undefined {
  const metadata = part.providerMetadata as Record<string, { discarded?: unknown } | undefined> | undefined;
  const reason = metadata?.[DISCARDED_TEXT_NAMESPACE]?.discarded;
  return reason === "restarted" || reason === "moved" ? reason : undefined;
}

/**
 * The id of the outcome part of an answer's attempt (1 for the first). A data part with the same id replaces
 * the earlier one in place, so each attempt has its own: a retry's note takes the place of the outcome it
 * follows, and the retried attempt's own outcome comes after the text it ends, not above it.
 */
export function attemptOutcomeId(attempt: number): string {
  return attempt <= 1 ? "run-outcome" : `run-outcome-${attempt}`;
}

/** Which attempt of the answer `message` shows last: one more than the retries it notes. */
export function currentAttempt(message: ChatMessage | undefined): number {
  const retries = (message?.parts ?? []).filter(
    (part) => part.type === "data-run-outcome" && part.data.status === "retried",
  ).length;
  return retries + 1;
}

/** `message` with its current attempt's outcome set to `outcome`, replacing an earlier one (as the stream does). */
export function withRunOutcome(message: ChatMessage, outcome: RunOutcomeData): ChatMessage {
  const id = attemptOutcomeId(currentAttempt(message));
  return {
    ...message,
    parts: [
      ...message.parts.filter((part) => !(part.type === "data-run-outcome" && part.id === id)),
      { type: "data-run-outcome", id, data: outcome },
    ],
  };
}

export const CHAT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_MESSAGE_CHARS = 32_000;
export const MAX_REASON_CHARS = 1000;

/** The steady poll intervals a person may choose (2 s / 10 s / 30 s); without one, SUPERVISOR_POLL_INTERVAL_MS. */
export const POLL_INTERVAL_CHOICES_MS = [2_000, 10_000, 30_000] as const;
export type PollIntervalChoice = (typeof POLL_INTERVAL_CHOICES_MS)[number];

/** How fast a polled answer is revealed once it is finished; `normal` is the server's own pacing. */
export const REVEAL_SPEEDS = ["instant", "normal", "slow"] as const;
export type RevealSpeed = (typeof REVEAL_SPEEDS)[number];

/** A person's run settings, sent with each turn (and on a resume, as query parameters): see chat-requests.ts. */
export interface TurnSettings {
  pollIntervalMs?: PollIntervalChoice;
  revealSpeed?: RevealSpeed;
}

/** The run outcomes after which the answer can be run again. */
export const RETRYABLE_OUTCOMES: ReadonlySet<RunOutcomeData["status"]> = new Set([
  "failed",
  "cancelled",
  "incomplete",
  "expired",
  "error",
]);

/** An approval card of this message is still waiting for the person's answer. */
export function awaitsApproval(message: ChatMessage): boolean {
  return message.parts.some((part) => part.type === "dynamic-tool" && part.state === "approval-requested");
}

/** A run in `state` ended without its answer (failed, expired, cut short, an error), not stopped by its person. */
export function endedWithoutAnswer(state: string | null | undefined): boolean {
  return !!state && state !== "cancelled" && (RETRYABLE_OUTCOMES as ReadonlySet<string>).has(state);
}

/** Which version each message with versions shows (1-based) and how many it has, by message id. */
export type MessageVersions = Record<string, { current: number; count: number }>;
