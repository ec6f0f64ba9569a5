import { type ChatMessage, endedWithoutAnswer } from "@/lib/shared/chat";
import { namedError } from "@/lib/shared/named-error";
import type { UpstreamItem } from "@/lib/shared/upstream";
import type { BranchPoint, ForkSummary } from "./branches";

export type { BranchPoint, ForkSummary } from "./branches";

/**
 * The server's record of a chat. The browser never supplies history: the upstream input is rebuilt from
 * `history`, and the UI transcript from `messages`. Both are the chat's active branch: the other versions an
 * edit or regenerate left are kept apart (lib/db/branches.ts, `listForks`, `switchVersion`).
 */
export interface ChatRecord {
  id: string;
  title: string;
  createdAt: number;
  /** Last time anything was added to the chat (sorts the sidebar). */
  updatedAt: number;
  /** The transcript as the browser shows it (AI SDK UI messages). */
  messages: ChatMessage[];
  /** The conversation in upstream (Responses input) form: user turns and every item the agent produced. */
  history: UpstreamItem[];
  run?: RunRecord;
  /** The id the agent knows this chat's conversation by, when the agent moved it (else the chat id is). */
  conversationId?: string;
}

/**
 * `running` until the run ends, even while nobody is polling it (tab closed, stream handed over): the upstream
 * run goes on, and whoever opens the chat next picks it up from the stored cursor.
 */
export type RunState = "running" | "completed" | "failed" | "cancelled" | "incomplete" | "expired" | "error";

export interface RunRecord {
  /** The assistant message the run writes into; a run exists from the moment the user's turn is accepted. */
  runId: string;
  /** Set once the upstream accepted the run. */
  responseId?: string;
  state: RunState;
  /** Output index up to which items have been shown (and appended to `history`). */
  cursor: number;
  startedAt: number;
  finishedAt?: number;
  /** The input the run was created with, for recognising its echo (quirk 1 in docs/upstreams.md). */
  input: UpstreamItem[];
  /** Why it ended, when it did not complete. */
  error?: string;
  /** Retrieve calls made for the run so far, by every stream that followed it. */
  polls: number;
  /** The create of the run's current cycle went out and its answer is not stored yet (`markCreateSent`). */
  createSent?: true;
}

/** What a stream following a run re-reads while it polls: light enough to ask every interval. */
export interface RunCheck {
  state: RunState;
  /** The upstream response the run is on now (a newer cycle than the stream's own, when another stream moved on). */
  responseId?: string;
  /** The server instance following the run (`followRun`), when one took it. */
  follower?: string;
}

/** What `claimNextCycle` got: the cycle, someone else's claim, or a run whose next create went out unanswered. */
export type NextCycleClaim = "claimed" | "held" | "interrupted";

/** One run to check in `checkRuns`, with the retrieve calls to count against it. */
export interface RunCheckRequest {
  chatId: string;
  runId: string;
  polls: number;
}

/** A chat as the history sidebar lists it. */
export interface ChatSummary {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
  /** A run is in progress (upstream), whether or not anyone is watching it. */
  running: boolean;
  /** Present when the chat's last run ended without its answer (failed, expired, cut short, an error); a Stop is not. */
  failed?: true;
  /** Present when the chat's last run ended asking for approvals its person has yet to decide. */
  awaitingApproval?: true;
  /** Present when the chat's last run ended after its person last had the chat in front of them (`markSeen`). */
  unread?: true;
}

/** What the list reads of a chat's latest run (none: every field null) and of the chat. */
export interface LatestRunRow {
  state: string | null;
  finishedAt: number | null;
  awaitsApproval: boolean | null;
  /** The chat's `seenAt`. */
  seenAt: number | null;
}

/**
 * A chat's state in the history list, from its latest run: running; failed (an answer that ended early and can
 * be retried, but not one its person stopped); waiting for an approval; unread (it ended after its person last
 * looked, a Stop aside, which the person saw).
 */
export function runSummary({
  state,
  finishedAt,
  awaitsApproval,
  seenAt,
}: LatestRunRow): Pick<ChatSummary, "running" | "failed" | "awaitingApproval" | "unread"> {
  const failed = endedWithoutAnswer(state);
  const ended = !!state && state !== "running" && state !== "cancelled" && finishedAt !== null;
  const unread = ended && (seenAt === null || Number(finishedAt) > Number(seenAt));
  return {
    running: state === "running",
    ...(failed ? { failed: true } : {}),
    ...(state === "completed" && awaitsApproval ? { awaitingApproval: true } : {}),
    ...(unread ? { unread: true } : {}),
  };
}

/** A chat found by a search: where the title alone does not match, a piece of the message text that does. */
export interface ChatSearchResult extends ChatSummary {
  snippet?: string;
}

/** A browser's Web Push subscription: where its push service takes messages, and the keys to encrypt them. */
export interface StoredPushSubscription {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A run in progress, and the chat and person it belongs to. */
export interface OpenRun {
  chatId: string;
  ownerId: string;
  runId: string;
}

/** A server instance not heard from for this long is forgotten (its runs were taken over long before). */
export const FORGET_INSTANCES_AFTER_MS = 60 * 60_000;

/** Webhook delivery ids are kept this long, past any signature timestamp's tolerance (5 minutes). */
export const FORGET_WEBHOOKS_AFTER_MS = 24 * 60 * 60_000;

/** How long a claimed cycle may take to produce its response before another stream may claim it. */
export const CYCLE_CLAIM_TTL_MS = 60_000;

/** Who a chat belongs to: every chat is visible only to its owner. */
export interface ChatOwner {
  /** Stable user id (from the signed session cookie, or the trusted forwarded e-mail). */
  id: string;
  /** Known when the identity came from a trusted proxy (Databricks Apps). */
  email?: string;
}

/** The chat does not exist, or it belongs to someone else (never said apart, so ids cannot be probed). */
export class ChatNotFoundError extends namedError("ChatNotFoundError") {
  constructor() {
    super("There is no such chat.");
  }
}

export class ChatBusyError extends namedError("ChatBusyError") {
  constructor() {
    super("A run is still in progress in this chat. Wait for it to finish or stop it first.");
  }
}

/**
 * Per-person limits on runs (MAX_RUNS_IN_FLIGHT_PER_PERSON, MAX_RUNS_PER_DAY_PER_PERSON, read by
 * lib/supervisor/config.ts); an absent one is off.
 */
export interface RunLimits {
  /** Runs of one person going at once, over all their chats. */
  inFlight?: number;
  /** Runs one person may start in any 24 hours (a new answer; an approval or a retry goes on with its run). */
  perDay?: number;
}

/** The window the runs-per-day limit counts over. */
export const RUN_LIMIT_WINDOW_MS = 24 * 60 * 60_000;

/** A turn refused by a limit of its person's (RunLimits), with nothing stored and nothing sent upstream. */
export class RunLimitError extends namedError("RunLimitError") {
  constructor(
    readonly limit: "in_flight" | "per_day",
    readonly max: number,
    /** When the next run is allowed again (per day: the oldest counted run's 24 hours are over). */
    readonly freesAt?: number,
  ) {
    super(
      limit === "in_flight"
        ? `You have ${max} ${max === 1 ? "run" : "runs"} going already, the most you may have at once. Wait for one to finish, or stop one, then send again.`
        : `You have started ${max} ${max === 1 ? "run" : "runs"} in the last 24 hours, the most allowed. The next one frees up at ${clockTime(freesAt ?? 0)} UTC.`,
    );
  }
}

const clockTime = (at: number) => new Date(at).toISOString().slice(11, 16);

/**
 * Refuse a turn over one of `limits` (every store decides the same way): `going`, the person's runs in progress
 * now; `earlierStarts`, when their other runs in the last RUN_LIMIT_WINDOW_MS started, oldest first; `isNew`,
 * whether this turn starts a run (an approval or a retry goes on with one already counted).
 */
export function refuseOverRunLimits(
  limits: RunLimits,
  now: { going: number; earlierStarts: number[]; isNew: boolean },
): void {
  if (limits.inFlight !== undefined && now.going >= limits.inFlight)
    throw new RunLimitError("in_flight", limits.inFlight);
  const starts = now.earlierStarts;
  if (limits.perDay !== undefined && now.isNew && starts.length >= limits.perDay) {
    // Below the limit again once enough of the oldest have left the window.
    const freeing = starts[starts.length - limits.perDay] ?? 0;
    throw new RunLimitError("per_day", limits.perDay, freeing + RUN_LIMIT_WINDOW_MS);
  }
}

/** What a turn adds to the chat before its run starts. */
export interface TurnAppend {
  /** The user's message, shown in the transcript (absent for an approval decision). */
  message?: ChatMessage;
  /** Items appended to the upstream history (the user turn, or the approval responses). */
  items: UpstreamItem[];
  /**
   * An edit or a regenerate: first set the active branch from this point on aside as a version (see
   * lib/db/branches.ts), then append to the new, empty version.
   */
  fork?: BranchPoint;
}

/** A version switch, as chosen from the chat as it is: the fork's position and the version (0-based) to show. */
export interface VersionChoice {
  at: number;
  version: number;
}

/**
 * Where chats, runs and their items are kept: the database store (`db-store.ts`, on PGlite or PostgreSQL) in the
 * app, and an in-memory one (`memory-store.ts`) for tests; both pass the same contract tests.
 */
export interface ChatStore {
  /**
   * True when no other process can change this store's runs (embedded PGlite opens its directory for one
   * process only): a run is then stopped by this process's own Stop route, which reaches the run's loop at once.
   */
  readonly processLocal?: boolean;
  /**
   * The chat, or undefined when there is none. With `ownerId`, another user's chat is undefined too (every
   * read on a person's behalf passes it; the engine's own re-reads of a run it already follows do not).
   */
  getChat(chatId: string, ownerId?: string): Promise<ChatRecord | undefined>;
  /** The owner's chats, newest (most recently updated) first. */
  listChats(ownerId: string, limit?: number): Promise<ChatSummary[]>;
  /**
   * The owner's chats whose title or message text (the person's and the agent's text parts; not tool output
   * nor reasoning) contains `query`, case-insensitively and literally (`%`, `_` and `\` are plain characters),
   * newest first, as `listChats` orders them.
   */
  searchChats(ownerId: string, query: string, limit?: number): Promise<ChatSearchResult[]>;
  /**
   * Give the owner's chat a title (already validated); false when they have no such chat. It keeps its place
   * in the list (a rename adds nothing to the chat), and later turns never replace it: only a new chat takes
   * its title from its first message.
   */
  renameChat(chatId: string, title: string, ownerId: string): Promise<boolean>;
  /**
   * The person has the chat in front of them now: its last run's end is no longer unread. False when there is
   * no such chat of theirs.
   */
  markSeen(chatId: string, ownerId: string): Promise<boolean>;
  /**
   * Everything of one person's becomes another's: their chats (with what is in them) and the browsers told of
   * their runs' ends. For a browser's anonymous chats when its person signs in. Returns how many chats moved.
   */
  moveChats(fromOwnerId: string, to: ChatOwner): Promise<number>;
  /**
   * Removes the chat with its messages, runs and approvals; false when there was none. With `unlessRunning`
   * it refuses with ChatBusyError while a run is in progress, checked atomically with the delete (a turn
   * starting meanwhile must not lose its chat).
   */
  deleteChat(chatId: string, options?: { unlessRunning?: boolean; ownerId?: string }): Promise<boolean>;
  /**
   * Atomically: refuse with ChatBusyError while a run is in progress, let `prepare` check the chat as it is
   * now (it may throw to refuse, and then nothing is stored), append what it returns and open run `runId`.
   * `prepare` gets `undefined` for a chat that does not exist yet; the chat is created (owned by `owner`)
   * only if `create` is set. Another owner's chat is refused with ChatNotFoundError before `prepare` runs.
   * Over one of the owner's `limits` it is refused with RunLimitError, checked and counted in the same
   * transaction as the run it opens (so parallel turns, on any number of instances, cannot pass it together).
   */
  beginTurn(
    chatId: string,
    runId: string,
    prepare: (chat: ChatRecord | undefined) => TurnAppend,
    options: { create: boolean; owner: ChatOwner; limits?: RunLimits },
  ): Promise<ChatRecord>;
  /**
   * The forks on the chat's active branch (lib/db/branches.ts), by position; empty for a chat without versions,
   * or one that is not `ownerId`'s.
   */
  listForks(chatId: string, ownerId?: string): Promise<ForkSummary[]>;
  /**
   * Atomically: refuse with ChatNotFoundError for a chat that is not `ownerId`'s, with ChatBusyError while a run
   * is in progress, let `choose` pick the version from the chat and its forks as they are now (it may throw
   * to refuse, and then nothing changes), and make that version the active branch. Returns the chat and forks
   * as they are afterwards.
   */
  switchVersion(
    chatId: string,
    ownerId: string,
    choose: (chat: ChatRecord, forks: ForkSummary[]) => VersionChoice,
  ): Promise<{ chat: ChatRecord; forks: ForkSummary[] }>;
  /**
   * The upstream accepted a cycle of the run: its response id and input; the cursor starts again at 0.
   * False (and nothing stored) when the run is no longer in progress (stopped meanwhile) or not the chat's
   * current one: the caller then cancels the response it just created. With `after` (a provider whose run ids
   * the app names, stored before the create is sent), only while the run is still at its first cycle (null) or
   * on response `after` with that cycle's claim: exactly one of several racing streams stores its id, and sends.
   */
  startRun(
    chatId: string,
    runId: string,
    upstream: { responseId: string; input: UpstreamItem[] },
    after?: string | null,
  ): Promise<boolean>;
  /**
   * Claim the cycle that follows response `afterResponseId` (answering its function calls and submitting the
   * next response). Several streams may follow one run (two tabs); exactly one gets `claimed`, the others
   * `held`, and wait for the run to move on. A claim that has not led to a new response within
   * `CYCLE_CLAIM_TTL_MS` (its holder died) can be taken over, unless its holder had sent the next response's
   * create (`markCreateSent`): that response may be running upstream with no id to find it by, and a second
   * create would run the step twice, so the run is `interrupted` instead.
   */
  claimNextCycle(chatId: string, runId: string, afterResponseId: string): Promise<NextCycleClaim>;
  /**
   * A stream is about to send the create of the run's first cycle (`afterResponseId` null) or of the cycle after
   * `afterResponseId` (whose claim it holds): true for exactly one caller, the one that sends it. From then until
   * `startRun` stores the answer, the create may be running upstream: the run is never created again, and a
   * next cycle's claim is not taken over (`claimNextCycle`). False when a create already went out, or the run
   * is not at that point (stopped, moved on, not the chat's).
   */
  markCreateSent(chatId: string, runId: string, afterResponseId: string | null): Promise<boolean>;
  /**
   * Count `polls` more retrieve calls against the run and return its stored state; undefined when `runId` is
   * no longer the chat's current run (a newer turn, or the chat was deleted).
   */
  checkRun(chatId: string, runId: string, polls: number): Promise<RunCheck | undefined>;
  /**
   * `checkRun` for many runs at once (every run a server process is following), in one round trip: the
   * answers in the order of `checks`. The same run may be asked for more than once (two streams follow it):
   * each request's polls are counted, and each gets the run's state.
   */
  checkRuns(checks: RunCheckRequest[]): Promise<(RunCheck | undefined)[]>;
  /**
   * Every chat's run that is still running, with whose chat it is: what a server that starts has to follow
   * (`lib/chat/followers.ts`). Chats without an owner (made before owners existed) are left out.
   */
  listOpenRuns(): Promise<OpenRun[]>;
  /**
   * Server instance `instanceId` is alive: it says so every second while it runs (`claimOrphanedRuns`).
   * Instances silent for FORGET_INSTANCES_AFTER_MS are forgotten on the way.
   */
  heartbeat(instanceId: string): Promise<void>;
  /**
   * Instance `instanceId` follows the chat's run `runId` from now on (a browser's stream there, or the server
   * itself). With `unlessAliveSince`, only when no other instance heard from since then follows it; false, and
   * nothing changed, when one does or the run is not in progress.
   */
  followRun(chatId: string, runId: string, instanceId: string, unlessAliveSince?: number): Promise<boolean>;
  /**
   * Runs in progress that started before `staleBefore` and whose follower has not been heard from since then
   * (or that have none), at most `limit`: each is now followed by `instanceId`, and by no other instance asking
   * at the same time.
   */
  claimOrphanedRuns(instanceId: string, staleBefore: number, limit: number): Promise<OpenRun[]>;
  /** The run in progress on upstream response `responseId` (its current cycle), if any: what a webhook names. */
  findOpenRun(responseId: string): Promise<OpenRun | undefined>;
  /**
   * Webhook delivery `deliveryId` arrives: true the first time, false when it was received before (a replay or
   * a second delivery). Deliveries older than FORGET_WEBHOOKS_AFTER_MS are forgotten on the way (a signature's
   * timestamp is refused long before that).
   */
  receiveWebhook(deliveryId: string): Promise<boolean>;
  /** Delivery `deliveryId` could not be acted on: its next delivery is taken as a first one. */
  forgetWebhook(deliveryId: string): Promise<void>;
  /** The browser of `subscription` notifies `ownerId` from now on (it is no longer anyone else's). */
  savePushSubscription(ownerId: string, subscription: StoredPushSubscription): Promise<void>;
  /** `ownerId`'s browser at `endpoint` is no longer notified; false when it was not theirs. */
  deletePushSubscription(ownerId: string, endpoint: string): Promise<boolean>;
  /** The browsers that notify `ownerId`. */
  listPushSubscriptions(ownerId: string): Promise<StoredPushSubscription[]>;
  /** The push service says the browser at `endpoint` unsubscribed: nobody is notified there. */
  forgetPushEndpoint(endpoint: string): Promise<void>;
  /** One shown item: appended to the history together with the cursor that passed it. */
  recordItem(chatId: string, runId: string, item: UpstreamItem, cursor: number): Promise<void>;
  /**
   * The agent moved the chat's conversation to `conversationId` (a LongRunningAgentServer recovering a crashed
   * run): later runs are sent with it. Does nothing for a chat that is gone.
   */
  setConversationId(chatId: string, conversationId: string): Promise<void>;
  /** Items the app produced itself during the run (client-side function outputs). */
  appendHistory(chatId: string, runId: string, items: UpstreamItem[]): Promise<void>;
  /**
   * Store the assistant message as shown and the run's state. With `running` this is only a snapshot of the
   * message (a stream handed over or lost its browser); any other state ends the run, with `error` saying why.
   */
  finishRun(
    chatId: string,
    runId: string,
    state: RunState,
    assistantMessage?: ChatMessage,
    error?: string,
  ): Promise<void>;
}

/** One row of the approvals audit log. */
export interface ApprovalRecord {
  approvalRequestId: string;
  /** The run the decision continued. */
  runId: string;
  approve: boolean;
  reason?: string;
  decidedAt: number;
  /** The user id of the person who decided. */
  decidedBy?: string;
}

/** The database store: the ChatStore contract plus what only a database keeps. */
export interface DbChatStore extends ChatStore {
  /** The approval decisions recorded in a chat, oldest first. */
  listApprovals(chatId: string): Promise<ApprovalRecord[]>;
}
