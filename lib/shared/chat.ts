import type { UIMessage } from "ai";
import { z } from "zod";

/** Live run progress; sent as a transient `data-run-status` part (shown, never stored in the message). */
export interface RunStatusData {
  status: string;
  elapsedMs: number;
  polls: number;
  responseId?: string;
  /** Set while the server is backing off after an upstream error. */
  retrying?: { attempt: number; delayMs: number; message: string };
}

/** How a run ended, when it did not simply complete; stored in the assistant message so a reload shows it. */
export interface RunOutcomeData {
  status: "failed" | "cancelled" | "incomplete" | "expired" | "error";
  message: string;
}

/** An upstream item type the UI has no dedicated card for: shown generically, never dropped. */
export interface UpstreamItemData {
  itemType: string;
  itemId?: string;
  summary: string;
}

export type ChatDataParts = {
  "run-status": RunStatusData;
  "run-outcome": RunOutcomeData;
  "upstream-item": UpstreamItemData;
};

export type ChatMessage = UIMessage<unknown, ChatDataParts>;

export const CHAT_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_MESSAGE_CHARS = 32_000;

/** What the browser may send for a turn: the chat id and the new user message, never the history. */
export const sendMessageBodySchema = z.object({
  id: z.string().regex(CHAT_ID_PATTERN, { error: "Chat id must be 1-64 letters, digits, '-' or '_'." }),
  message: z.object({
    id: z.string().min(1).max(128),
    role: z.literal("user", { error: "Only user messages can be sent." }),
    parts: z
      .array(z.object({ type: z.literal("text"), text: z.string() }).loose())
      .min(1, { error: "The message has no text." })
      .max(16),
  }),
});

export type SendMessageBody = z.infer<typeof sendMessageBodySchema>;
