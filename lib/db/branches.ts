import type { ChatMessage } from "@/lib/shared/chat";
import type { UpstreamItem } from "@/lib/shared/upstream";

/**
 * Versions of a chat (edit and resend, regenerate), as every store keeps them.
 *
 * The chat's `messages` and `history` are its *active branch*: everything that reads a chat (runs, replay,
 * resume, export) sees only that, unchanged. A *fork* at transcript position `at` keeps the other versions of
 * the conversation from there on: each is a *tail*, the messages from `at` and the upstream history items from
 * the matching history position, with the forks further down that tail (so a version's own versions survive
 * being set aside). The active version's slot is `null`: its content is the active branch itself.
 *
 * Edit and regenerate fork: the active tail becomes a stored version and a new, empty one is opened (the new
 * question, or just the re-asked one, goes on from there). Switching swaps the active tail with a stored one.
 * A fork's positions (transcript and history) are the same in all its versions, since they share everything
 * before it: they are kept with it, and a switch needs nothing else.
 */
export interface ForkRecord {
  /** Transcript position of the first message that differs between the versions. */
  at: number;
  /** History position of the first item that differs. */
  historyAt: number;
  /** Which version (0-based) is the active branch. */
  active: number;
  /** Every version, oldest first; the active one is `null`. */
  versions: Array<BranchTail | null>;
}

/** A version set aside: its transcript and history from the fork on, and the forks inside it. */
export interface BranchTail {
  messages: ChatMessage[];
  history: UpstreamItem[];
  forks: ForkRecord[];
}

/** What a fork or switch reads and rewrites: the active branch and its forks. */
export interface Branch {
  messages: ChatMessage[];
  history: UpstreamItem[];
  /** The forks on the active branch, by position. */
  forks: ForkRecord[];
}

/** Where the versions part: a transcript position and the history position that matches it. */
export interface BranchPoint {
  at: number;
  historyAt: number;
}

/** A fork as the UI needs it: the message at `at` has `count` versions and shows version `active` (0-based). */
export interface ForkSummary {
  at: number;
  active: number;
  count: number;
}

export function forkSummaries(forks: readonly ForkRecord[]): ForkSummary[] {
  return forks.map(({ at, active, versions }) => ({ at, active, count: versions.length }));
}

function checkPoint(branch: Branch, { at, historyAt }: BranchPoint) {
  const fits = (n: number, max: number) => Number.isInteger(n) && n >= 0 && n <= max;
  if (!fits(at, branch.messages.length) || !fits(historyAt, branch.history.length)) {
    throw new Error(`No branch point at message ${at}, history item ${historyAt}.`);
  }
}

/** The active branch from `point` on, with the forks inside it. */
function tailOf(branch: Branch, { at, historyAt }: BranchPoint): BranchTail {
  return {
    messages: branch.messages.slice(at),
    history: branch.history.slice(historyAt),
    forks: branch.forks.filter((fork) => fork.at > at),
  };
}

/**
 * Set the active branch from `point` on aside as a version of its own and open a new, empty version there
 * (the turn then appends to it). Nothing to set aside (the point is the branch's end) makes no version.
 */
export function forkBranch(branch: Branch, point: BranchPoint): Branch {
  checkPoint(branch, point);
  const tail = tailOf(branch, point);
  if (tail.messages.length === 0 && tail.history.length === 0) return branch;
  const existing = branch.forks.find((fork) => fork.at === point.at);
  if (existing && existing.historyAt !== point.historyAt) {
    throw new Error(`The fork at message ${point.at} starts at another history item.`);
  }
  const fork: ForkRecord = existing
    ? {
        ...point,
        active: existing.versions.length,
        versions: [...existing.versions.map((v, i) => (i === existing.active ? tail : v)), null],
      }
    : { ...point, active: 1, versions: [tail, null] };
  return {
    messages: branch.messages.slice(0, point.at),
    history: branch.history.slice(0, point.historyAt),
    forks: [...branch.forks.filter((f) => f.at < point.at), fork],
  };
}

/**
 * Make version `version` (0-based) of the fork at message `at` the active branch, setting the active tail
 * aside in its place. Undefined when there is no fork there or no such version.
 */
export function switchBranch(branch: Branch, at: number, version: number): Branch | undefined {
  const fork = branch.forks.find((f) => f.at === at);
  if (!fork || !Number.isInteger(version) || version < 0 || version >= fork.versions.length) return undefined;
  const point = { at, historyAt: fork.historyAt };
  checkPoint(branch, point);
  if (version === fork.active) return branch;
  const chosen = fork.versions[version];
  if (!chosen) return undefined;
  const tail = tailOf(branch, point);
  return {
    messages: [...branch.messages.slice(0, point.at), ...chosen.messages],
    history: [...branch.history.slice(0, point.historyAt), ...chosen.history],
    forks: [
      ...branch.forks.filter((f) => f.at < point.at),
      {
        ...point,
        active: version,
        versions: fork.versions.map((v, i) => (i === version ? null : i === fork.active ? tail : v)),
      },
      ...chosen.forks,
    ],
  };
}
