import { CHAT_ID_PATTERN } from "@/lib/shared/chat";
import { ApiError } from "./errors";

/** A chat id from the URL, or a 400 saying what a chat id looks like. */
export function parseChatId(raw: string): string {
  if (!CHAT_ID_PATTERN.test(raw)) {
    throw new ApiError("bad_request", "Chat id must be 1-64 letters, digits, '-' or '_'.");
  }
  return raw;
}
