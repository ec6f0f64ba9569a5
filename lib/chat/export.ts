import type { ChatOwner, ChatRecord, ChatStore, DbChatStore } from "@/lib/db/chat-store";
import { buildChatExport } from "@/lib/export/build";
import { type ExportFile, type ExportFormat, exportFile } from "@/lib/export/file";
import type { ChatExport } from "@/lib/export/shape";
import type { ChatMessage } from "@/lib/shared/chat";
import type { ChatChunk } from "@/lib/stream/item-parts";
import { RunView } from "@/lib/stream/run-view";
import { messageFromChunks } from "@/lib/stream/ui-response";
import { currentTurnItems } from "./turn-items";

/** A store, with the approvals audit log when it keeps one (the database stores do). */
export type ExportableStore = ChatStore & Partial<Pick<DbChatStore, "listApprovals">>;

export interface ExportOptions {
  /** The app's own function tool names (their calls are said to run in the app). */
  clientTools?: ReadonlySet<string>;
  now?: number;
}

/** The owner's chat as a file to download; undefined when there is no such chat of theirs. */
export async function exportChat(
  store: ExportableStore,
  chatId: string,
  owner: ChatOwner,
  format: ExportFormat,
  options: ExportOptions = {},
): Promise<ExportFile | undefined> {
  const doc = await loadChatExport(store, chatId, owner, options);
  return doc && exportFile(doc, format);
}

/** The JSON export of the owner's chat as stored now; undefined when there is no such chat of theirs. */
export async function loadChatExport(
  store: ExportableStore,
  chatId: string,
  owner: ChatOwner,
  { clientTools = new Set(), now = Date.now() }: ExportOptions = {},
): Promise<ChatExport | undefined> {
  const chat = await store.getChat(chatId, owner.id);
  if (!chat) return undefined;
  const approvals = (await store.listApprovals?.(chatId)) ?? [];
  const messages = chat.run?.state === "running" ? await withAnswerSoFar(chat, clientTools) : chat.messages;
  // The export is the version shown (the active branch): after a switch, the chat's last run may have written
  // an answer of another version, whose ending is not this one's. A run that ended before writing anything (its
  // create lost with its server) answers the question the shown version ends with.
  const run =
    chat.run?.state === "running" ||
    messages.some((m) => m.id === chat.run?.runId) ||
    messages.at(-1)?.role === "user"
      ? chat.run
      : undefined;
  return buildChatExport(
    { chat: { ...chat, messages, run }, approvals },
    { exporterId: owner.id, exportedAt: now },
  );
}

/**
 * The messages with the running answer rebuilt from the stored history, as a resumed stream replays it: the
 * stored message is only a snapshot from the last hand-over (none before the first). The replay's tool calls
 * keep the snapshot's times, or have none (it would stamp them with the time of the export).
 */
async function withAnswerSoFar(chat: ChatRecord, clientTools: ReadonlySet<string>): Promise<ChatMessage[]> {
  const runId = chat.run?.runId as string;
  const snapshot = chat.messages.find((message) => message.id === runId);
  const chunks: ChatChunk[] = [{ type: "start", messageId: runId }];
  const view = new RunView({ write: (chunk) => chunks.push(chunk) }, { clientTools });
  view.replay(currentTurnItems(chat.history), snapshot);
  try {
    const answer = await messageFromChunks(chunks);
    return [...chat.messages.filter((message) => message.id !== runId), withTimesOf(answer, snapshot)];
  } catch {
    return chat.messages; // the snapshot, if any, is still what was stored
  }
}

function withTimesOf(answer: ChatMessage, snapshot: ChatMessage | undefined): ChatMessage {
  const known = new Map(
    (snapshot?.parts ?? []).flatMap((part) =>
      part.type === "dynamic-tool" ? [[part.toolCallId, part.toolMetadata] as const] : [],
    ),
  );
  return {
    ...answer,
    parts: answer.parts.map((part) => {
      if (part.type !== "dynamic-tool") return part;
      const { startedAt: _started, finishedAt: _finished, ...meta } = part.toolMetadata ?? {};
      return { ...part, toolMetadata: known.get(part.toolCallId) ?? meta };
    }),
  };
}
