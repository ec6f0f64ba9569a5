import { create } from "zustand";
import type { RunStatusData } from "@/lib/shared/chat";
import { runStartedAtMs } from "./run-progress";

export interface LiveRunStatus extends RunStatusData {
  /** Browser time at which the run started (see runStartedAtMs). */
  startedAtMs: number;
}

interface RunStatusState {
  byChat: Record<string, LiveRunStatus | undefined>;
  /** A turn was sent: show "submitting" at once, before the server has said anything. */
  begin(chatId: string): void;
  update(chatId: string, data: RunStatusData): void;
  clear(chatId: string): void;
}

/** Live run progress per chat, fed by the stream's transient status parts. */
export const useRunStatusStore = create<RunStatusState>()((set) => ({
  byChat: {},
  begin: (chatId) =>
    set((state) => ({
      byChat: {
        ...state.byChat,
        [chatId]: { status: "submitting", elapsedMs: 0, polls: 0, startedAtMs: Date.now() },
      },
    })),
  update: (chatId, data) =>
    set((state) => ({
      byChat: { ...state.byChat, [chatId]: { ...data, startedAtMs: runStartedAtMs(data, Date.now()) } },
    })),
  clear: (chatId) =>
    set((state) => {
      const { [chatId]: _, ...rest } = state.byChat;
      return { byChat: rest };
    }),
}));
