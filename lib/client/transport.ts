import { DefaultChatTransport } from "ai";
import type { ChatMessage } from "@/lib/shared/chat";

/**
 * The browser sends only the chat id and the new message: the server keeps the history and never takes it
 * from the client.
 */
export function createChatTransport() {
  return new DefaultChatTransport<ChatMessage>({
    api: "/api/chat",
    prepareSendMessagesRequest: ({ id, messages }) => ({ body: { id, message: messages.at(-1) } }),
  });
}

/** Route errors arrive as `{error: {message}}` JSON in the error's text; show the sentence, not the JSON. */
export function readableError(error: Error): string {
  try {
    const parsed = JSON.parse(error.message) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message;
  } catch {
    // not JSON: a network failure or a plain-text error
  }
  return error.message || "Something went wrong.";
}
