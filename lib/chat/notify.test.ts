import { describe, expect, it } from "vitest";
import type { ChatStore } from "@/lib/db/chat-store";
import type { PushMessage, PushResult } from "@/lib/push/send";
import { testBrowser } from "@/lib/push/testing";
import { RunFollowers } from "./followers";
import type { TurnDeps } from "./respond";
import { askAndLeave, OWNER, say, setup, until } from "./testing";
import { startChatTurn } from "./turn";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A person with two browsers subscribed; what each was sent; `gone`: the second one unsubscribed meanwhile. */
function withPush(deps: TurnDeps, store: ChatStore, { gone = false } = {}) {
  const sent: { endpoint: string; message: PushMessage }[] = [];
  const phone = testBrowser("https://fcm.googleapis.com/fcm/send/phone");
  const laptop = testBrowser("https://updates.push.services.mozilla.com/wpush/v2/laptop");
  const push = async (browser: { endpoint: string }, message: PushMessage): Promise<PushResult> => {
    sent.push({ endpoint: browser.endpoint, message });
    return gone && browser.endpoint === laptop.subscription.endpoint ? "gone" : "sent";
  };
  const ready = Promise.all([
    store.savePushSubscription(OWNER.id, phone.subscription),
    store.savePushSubscription(OWNER.id, laptop.subscription),
  ]);
  return { deps: { ...deps, push, followers: new RunFollowers({ adoptAfterMs: 50 }) }, sent, ready };
}

/** Ask, leave at once, and wait until the server has followed the run to its end. */
async function leaveToTheServer(deps: TurnDeps, store: ChatStore, chatId: string, text: string) {
  await askAndLeave(deps, store, chatId, text);
  return until(
    () => store.getChat(chatId),
    (chat) => chat?.run?.state !== "running",
    "the run ended",
  );
}

describe("a run that ended with nobody watching is told to its person's browsers", () => {
  it("an answer: every subscribed browser gets one notification that opens the chat", async () => {
    const { deps, store } = setup(60_000);
    const push = withPush(deps, store);
    await push.ready;
    const chat = await leaveToTheServer(push.deps, store, "told", "What time is it in Tokyo?");
    await until(
      () => push.sent.length,
      (n) => n === 2,
      "both browsers were told",
    );
    expect(push.sent.map((s) => s.message)).toEqual([
      { title: "Your answer is ready", body: chat?.title, url: "/chat/told", tag: "chat-told" },
      { title: "Your answer is ready", body: chat?.title, url: "/chat/told", tag: "chat-told" },
    ]);
  });

  it("an approval to decide, and a failure, each say so; a browser that unsubscribed is forgotten", async () => {
    const { deps, store } = setup(60_000);
    const push = withPush(deps, store, { gone: true });
    await push.ready;
    await leaveToTheServer(push.deps, store, "asks", "Search the web for lakehouse news");
    await until(
      () => push.sent.length,
      (n) => n === 2,
      "both browsers were told",
    );
    expect(push.sent.map((s) => s.message.title)).toEqual([
      "Waiting for your approval",
      "Waiting for your approval",
    ]);
    expect((await store.listPushSubscriptions(OWNER.id)).map((s) => s.endpoint)).toEqual([
      "https://fcm.googleapis.com/fcm/send/phone",
    ]);

    await leaveToTheServer(push.deps, store, "fails", "Make this request fail, please.");
    await until(
      () => push.sent.length,
      (n) => n === 3,
      "the phone was told",
    );
    expect(push.sent.at(-1)?.message).toMatchObject({ title: "The answer did not come", url: "/chat/fails" });
  });

  it("a run a browser watched to its end tells nobody", async () => {
    const { deps, store } = setup(60_000);
    const push = withPush(deps, store);
    await push.ready;
    const response = await startChatTurn(push.deps, {
      owner: OWNER,
      chatId: "watched",
      turn: say("Hello there"),
    });
    await new Response(response.body).text();
    expect((await store.getChat("watched"))?.run?.state).toBe("completed");
    await sleep(200);
    expect(push.sent).toEqual([]);
  });
});
