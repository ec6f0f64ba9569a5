import type { ChatMessage } from "@/lib/shared/chat";

const TITLE_CHARS = 80;

/** A chat's title: the text of its first message, whitespace collapsed, at most 80 characters. */
export function titleFrom(message: ChatMessage): string {
  const text = message.parts
    .map((p) => (p.type === "text" ? p.text : ""))
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > TITLE_CHARS ? `${text.slice(0, TITLE_CHARS - 1)}…` : text || "New chat";
}
