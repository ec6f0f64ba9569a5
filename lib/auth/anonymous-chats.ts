import type { ChatOwner, ChatStore } from "@/lib/db/chat-store";
import { errorText } from "@/lib/shared/named-error";
import { readCookie, SESSION_COOKIE, verifySessionValue } from "./session-cookie";
import { anonymousUserId } from "./user-id";

/**
 * A browser that chatted anonymously (before sign-in was turned on) and now signs in: its chats become the
 * person's. Only that browser's own chats can move: the anonymous session is a cookie signed with the app's
 * key, so nobody can name another browser's. Returns how many moved; a failure is logged, never a reason to
 * refuse the sign-in.
 */
export async function adoptAnonymousChats(
  owner: ChatOwner,
  requestHeaders: Headers,
  store: Pick<ChatStore, "moveChats">,
  secret: string,
): Promise<number> {
  const uid = verifySessionValue(readCookie(requestHeaders.get("cookie"), SESSION_COOKIE), secret);
  if (!uid) return 0;
  try {
    return await store.moveChats(anonymousUserId(uid), owner);
  } catch (err) {
    console.error(`The chats of this browser's anonymous session could not be moved: ${errorText(err)}`);
    return 0;
  }
}
