import type { BranchPoint, ChatOwner, ChatRecord, ChatStore, ForkSummary } from "@/lib/db/chat-store";
import type { ChatMessage, MessageVersions } from "@/lib/shared/chat";
import type { UpstreamItem } from "@/lib/shared/upstream";
import { ChatRefusal } from "./errors";

/**
 * Edit and resend, regenerate, and switching between the versions they leave (the model is in
 * lib/db/branches.ts). Here: where in a chat's transcript and history a version starts, and the refusals a
 * person understands. Every user message has exactly one user item in the history, in the same order (a turn
 * appends both), which is how a transcript position finds its history position.
 */

/** The history positions of the user items, in order: the n-th belongs to the n-th user message. */
function userItemPositions(history: readonly UpstreamItem[]): number[] {
  return history.flatMap((item, index) => (item.type === "message" && item.role === "user" ? [index] : []));
}

function usersBefore(messages: readonly ChatMessage[], at: number): number {
  return messages.slice(0, at).filter((m) => m.role === "user").length;
}

function positionOf(chat: ChatRecord, messageId: string): number {
  const at = chat.messages.findIndex((m) => m.id === messageId);
  if (at < 0) throw new ChatRefusal("missing", "There is no such message in this chat.");
  return at;
}

/** Where a new version of the question at `at` starts: the question itself, and its history item. */
function questionPoint(chat: ChatRecord, at: number): BranchPoint {
  const positions = userItemPositions(chat.history);
  return { at, historyAt: positions[usersBefore(chat.messages, at)] ?? chat.history.length };
}

/** Where a new answer to the question before `at` starts: right after that question's history item. */
function answerPoint(chat: ChatRecord, at: number): BranchPoint {
  const asked = usersBefore(chat.messages, at);
  const question = userItemPositions(chat.history)[asked - 1];
  if (question === undefined) throw new ChatRefusal("invalid", "There is no question to answer again.");
  return { at, historyAt: question + 1 };
}

/**
 * An edit of the user message `messageId`: the new question takes its place, in a new version, and the
 * upstream input is everything before it plus the new question. `newId` is the new message's id, which
 * must not be one the conversation before it already uses.
 */
export function editPoint(chat: ChatRecord, messageId: string, newId: string): BranchPoint {
  const at = positionOf(chat, messageId);
  if (chat.messages[at]?.role !== "user") {
    throw new ChatRefusal("invalid", "Only your own messages can be edited; an answer can be regenerated.");
  }
  if (chat.messages.slice(0, at).some((m) => m.id === newId)) {
    throw new ChatRefusal("conflict", "The edited message needs an id of its own.");
  }
  return questionPoint(chat, at);
}

/**
 * A regenerate of the answer `messageId` (or of the answer following the user message `messageId`): a new
 * version of the answer, whose upstream input is the conversation up to and including its question.
 */
export function regeneratePoint(chat: ChatRecord, messageId: string): BranchPoint {
  const at = positionOf(chat, messageId);
  return answerPoint(chat, chat.messages[at]?.role === "user" ? at + 1 : at);
}

/** Which version a message shows, 1-based for people: the message at each fork's position. */
export function versionsByMessage(
  messages: readonly ChatMessage[],
  forks: readonly ForkSummary[],
): MessageVersions {
  const versions: MessageVersions = {};
  for (const { at, active, count } of forks) {
    const message = messages[at];
    if (message) versions[message.id] = { current: active + 1, count };
  }
  return versions;
}

/** The chat's versions for the UI; empty for a chat that is not the owner's. */
export async function chatVersions(store: ChatStore, chat: ChatRecord, ownerId: string) {
  return versionsByMessage(chat.messages, await store.listForks(chat.id, ownerId));
}

/**
 * Show version `version` (1-based) of the message `messageId` and everything that followed it in that version.
 * Refused while a run is in progress (ChatBusyError), as an edit or regenerate is.
 */
export async function switchChatVersion(
  store: ChatStore,
  chatId: string,
  owner: ChatOwner,
  choice: { messageId: string; version: number },
): Promise<{ messages: ChatMessage[]; versions: MessageVersions }> {
  const { chat, forks } = await store.switchVersion(chatId, owner.id, (current, forks) => {
    const at = positionOf(current, choice.messageId);
    const fork = forks.find((f) => f.at === at);
    if (!fork) throw new ChatRefusal("missing", "This message has no other versions.");
    if (choice.version > fork.count) {
      throw new ChatRefusal("missing", `This message has ${fork.count} versions, not ${choice.version}.`);
    }
    return { at, version: choice.version - 1 };
  });
  return { messages: chat.messages, versions: versionsByMessage(chat.messages, forks) };
}
