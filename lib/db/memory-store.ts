import type { ChatMessage } from "@/lib/shared/chat";
import { ChatBusyError, type ChatRecord, type ChatStore } from "./chat-store";

const TITLE_CHARS = 80;

/** A process-local store; chats vanish on restart. */
export function createMemoryChatStore(): ChatStore {
  const chats = new Map<string, ChatRecord>();

  const runOf = (chatId: string, responseId: string) => {
    const run = chats.get(chatId)?.run;
    return run?.responseId === responseId ? run : undefined;
  };

  return {
    async getChat(chatId) {
      const chat = chats.get(chatId);
      return chat ? structuredClone(chat) : undefined;
    },
    async addUserTurn(chatId, message, item) {
      let chat = chats.get(chatId);
      if (chat?.run?.state === "running") throw new ChatBusyError();
      if (!chat) {
        chat = { id: chatId, title: titleFrom(message), createdAt: Date.now(), messages: [], history: [] };
        chats.set(chatId, chat);
      }
      chat.messages.push(structuredClone(message));
      chat.history.push(structuredClone(item));
      return structuredClone(chat);
    },
    async startRun(chatId, run) {
      const chat = chats.get(chatId);
      if (chat) chat.run = structuredClone(run);
    },
    async recordItem(chatId, responseId, item, cursor) {
      const run = runOf(chatId, responseId);
      if (!run || cursor <= run.cursor) return; // already recorded: never twice
      run.cursor = cursor;
      chats.get(chatId)?.history.push(structuredClone(item));
    },
    async finishRun(chatId, responseId, state, assistantMessage) {
      const chat = chats.get(chatId);
      if (!chat) return;
      const run = responseId ? runOf(chatId, responseId) : undefined;
      if (responseId && !run) return; // a stale run: a newer one owns the chat now
      if (run) {
        run.state = state;
        run.finishedAt = Date.now();
      }
      if (assistantMessage && assistantMessage.parts.length > 0) {
        const at = chat.messages.findIndex((m) => m.id === assistantMessage.id);
        if (at >= 0) chat.messages[at] = structuredClone(assistantMessage);
        else chat.messages.push(structuredClone(assistantMessage));
      }
    },
  };
}

function titleFrom(message: ChatMessage): string {
  const text = message.parts
    .map((p) => (p.type === "text" ? p.text : ""))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > TITLE_CHARS ? `${text.slice(0, TITLE_CHARS - 1)}…` : text || "New chat";
}

/** The process-wide store (one per server, shared by every route bundle). */
export function getChatStore(): ChatStore {
  const slot = globalThis as { __backgroundAgentChatStore?: ChatStore };
  slot.__backgroundAgentChatStore ??= createMemoryChatStore();
  return slot.__backgroundAgentChatStore;
}
