import type { ChatMessage } from "@/lib/shared/chat";

/**
 * What "Copy message" puts on the clipboard: the answer's text parts as the model wrote them (markdown),
 * without tool cards, reasoning or notices.
 */
export function messageMarkdown(message: Pick<ChatMessage, "parts">): string {
  return message.parts
    .flatMap((part) => (part.type === "text" && part.text.trim() ? [part.text.trim()] : []))
    .join("\n\n");
}
