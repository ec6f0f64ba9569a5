import { type ChatMessage, discardedTextReason } from "@/lib/shared/chat";

/**
 * What "Copy message" puts on the clipboard: the answer's text parts as the model wrote them (markdown),
 * without tool cards, reasoning or notices, nor text the run set aside (see discardedTextReason).
 */
export function messageMarkdown(message: Pick<ChatMessage, "parts">): string {
  return message.parts
    .flatMap((part) =>
      part.type === "text" && part.text.trim() && !discardedTextReason(part) ? [part.text.trim()] : [],
    )
    .join("\n\n");
}
