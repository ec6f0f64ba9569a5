import type { ChatRecord, OpenRun } from "@/lib/db/chat-store";
import type { PushMessage } from "@/lib/push/send";
import { awaitsApproval, endedWithoutAnswer } from "@/lib/shared/chat";
import { errorText } from "@/lib/shared/named-error";
import type { TurnDeps } from "./respond";

/**
 * A run the server followed with nobody watching is over: its person's browsers that asked for it are told
 * (Web Push), each with a notification that opens the chat. Their service worker shows it only where no tab of
 * the app is open (public/sw.js). A run still going (a browser took it over, the server is stopping) or
 * stopped by its person tells nobody; a browser whose push service says it unsubscribed is forgotten.
 */
export async function notifyRunEnded(deps: TurnDeps, run: OpenRun): Promise<void> {
  if (!deps.push) return;
  try {
    // Who asked to be told first: the chat, with its whole answer, is read only for someone to tell. (A thousand
    // runs ending together with nobody subscribed read a thousand chats for nothing, on the event loop with
    // embedded PGlite.)
    const browsers = await deps.store.listPushSubscriptions(run.ownerId);
    if (browsers.length === 0) return;
    const chat = await deps.store.getChat(run.chatId);
    if (chat?.run?.runId !== run.runId) return;
    const message = messageFor(chat);
    if (!message) return;
    await Promise.all(
      browsers.map(async (browser) => {
        if ((await deps.push?.(browser, message)) === "gone")
          await deps.store.forgetPushEndpoint(browser.endpoint);
      }),
    );
  } catch (err) {
    console.error(`Could not notify about run ${run.runId} of chat ${run.chatId}: ${errorText(err)}`);
  }
}

/** What the person is told about the chat's last run, or nothing (still going, or stopped by them). */
function messageFor(chat: ChatRecord): PushMessage | undefined {
  const state = chat.run?.state;
  const opens = { url: `/chat/${chat.id}`, tag: `chat-${chat.id}` };
  const answer = chat.messages.at(-1);
  if (state === "completed" && answer?.role === "assistant" && awaitsApproval(answer))
    return { title: "Waiting for your approval", body: chat.title, ...opens };
  if (state === "completed") return { title: "Your answer is ready", body: chat.title, ...opens };
  if (endedWithoutAnswer(state)) return { title: "The answer did not come", body: chat.title, ...opens };
  return undefined;
}
