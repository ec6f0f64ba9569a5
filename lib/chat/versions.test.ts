import { describe, expect, it } from "vitest";
import type { ChatStore } from "@/lib/db/chat-store";
import type { ChatMessage } from "@/lib/shared/chat";
import type { UpstreamItem } from "@/lib/shared/upstream";
import { loadChatExport } from "./export";
import { OWNER, readUIStream, type Seen, say, setup, streamedText } from "./testing";
import { startChatTurn, type TurnInput } from "./turn";
import { switchChatVersion, versionsByMessage } from "./versions";

const FIRST = "What is a lakehouse?";
const SECOND = "And what is a warehouse?";

const edit = (messageId: string, text: string) => ({
  kind: "edit" as const,
  messageId,
  text,
  message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] } satisfies ChatMessage,
});

/** The conversation the upstream was last asked to continue: each message item as `role: text`. */
function lastInput(seen: Seen[]): string[] {
  const create = seen.filter((r) => r.method === "POST" && r.path.endsWith("/responses")).at(-1);
  return ((create?.body?.input ?? []) as UpstreamItem[]).flatMap((item) => {
    if (item.type !== "message") return [`${item.type}`];
    const content = item.content as string | Array<{ text?: string }>;
    const text = typeof content === "string" ? content : content.map((c) => c.text ?? "").join("");
    return [`${item.role}: ${text.slice(0, 40)}`];
  });
}

const textOf = (message: ChatMessage | undefined) =>
  (message?.parts ?? []).flatMap((p) => (p.type === "text" ? [p.text] : [])).join("");

/** Which version each message with versions shows, as the page gets it. */
async function versionsOf(store: ChatStore, chatId: string) {
  const chat = await store.getChat(chatId, OWNER.id);
  return versionsByMessage(chat?.messages ?? [], await store.listForks(chatId, OWNER.id));
}

/** A chat with two plain questions answered. */
async function twoTurns(chatId: string) {
  const harness = setup(60_000);
  const { deps, store } = harness;
  for (const text of [FIRST, SECOND]) {
    await readUIStream(await startChatTurn(deps, { owner: OWNER, chatId, turn: say(text) }));
  }
  const chat = await store.getChat(chatId);
  if (chat?.messages.length !== 4) throw new Error("two questions should have two answers");
  return { ...harness, chat };
}

describe("edit and resend, regenerate, versions", () => {
  it("edit: the upstream gets the conversation before the question and the new question, never the old one", async () => {
    const { deps, store, seen, chat } = await twoTurns("edit");
    const [, firstAnswer, question, answer] = chat.messages;
    const turn = edit(question?.id ?? "", "And what is a data mesh?");

    const chunks = await readUIStream(await startChatTurn(deps, { owner: OWNER, chatId: "edit", turn }));
    expect(streamedText(chunks)).toContain("And what is a data mesh?");
    const input = lastInput(seen);
    expect(input.filter((line) => line.startsWith("user"))).toEqual([
      `user: ${FIRST}`,
      "user: And what is a data mesh?",
    ]);
    expect(input).toContain(`assistant: ${textOf(firstAnswer).slice(0, 40)}`);
    expect(input.join("\n")).not.toContain("warehouse");

    const edited = await store.getChat("edit");
    expect(edited?.messages.map(textOf).slice(0, 3)).toEqual([
      FIRST,
      textOf(firstAnswer),
      "And what is a data mesh?",
    ]);
    expect(edited?.messages).toHaveLength(4);
    expect(await versionsOf(store, "edit")).toEqual({
      [turn.message.id]: { current: 2, count: 2 },
    });

    // Version 1 is the original question with its own answer, as it was.
    const back = await switchChatVersion(store, "edit", OWNER, {
      messageId: edited?.messages[2]?.id ?? "",
      version: 1,
    });
    expect(back.messages).toEqual(chat.messages);
    expect(back.versions).toEqual({ [question?.id ?? ""]: { current: 1, count: 2 } });
    expect(textOf(back.messages[3])).toBe(textOf(answer));

    // The next question goes on from the version shown, not from the edited one.
    await readUIStream(await startChatTurn(deps, { owner: OWNER, chatId: "edit", turn: say("Thanks!") }));
    expect(lastInput(seen).filter((line) => line.startsWith("user"))).toEqual([
      `user: ${FIRST}`,
      `user: ${SECOND}`,
      "user: Thanks!",
    ]);
  });

  it("regenerate: the upstream gets the conversation up to and including the question, and a new answer is a version", async () => {
    const { deps, store, seen, chat } = await twoTurns("regen");
    const answer = chat.messages[3];
    const chunks = await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "regen",
        turn: { kind: "regenerate", messageId: answer?.id ?? "" },
      }),
    );
    const newAnswerId = chunks[0]?.type === "start" ? chunks[0].messageId : undefined;
    expect(newAnswerId).toBeDefined();
    expect(newAnswerId).not.toBe(answer?.id);
    const input = lastInput(seen);
    expect(input.at(-1)).toBe(`user: ${SECOND}`);
    expect(input.filter((line) => line.startsWith("user"))).toEqual([`user: ${FIRST}`, `user: ${SECOND}`]);

    const regenerated = await store.getChat("regen");
    expect(regenerated?.messages.map((m) => m.id)).toEqual([
      ...chat.messages.slice(0, 3).map((m) => m.id),
      newAnswerId,
    ]);
    expect(await versionsOf(store, "regen")).toEqual({
      [newAnswerId ?? ""]: { current: 2, count: 2 },
    });

    // Regenerating from the question makes a third version of the same answer.
    await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "regen",
        turn: { kind: "regenerate", messageId: chat.messages[2]?.id ?? "" },
      }),
    );
    const third = await store.getChat("regen");
    expect(Object.values(await versionsOf(store, "regen"))).toEqual([{ current: 3, count: 3 }]);
    const first = await switchChatVersion(store, "regen", OWNER, {
      messageId: third?.messages[3]?.id ?? "",
      version: 1,
    });
    expect(first.messages).toEqual(chat.messages);

    // The export is the version shown, without the ending of a run that wrote another version.
    const exported = await loadChatExport(store, "regen", OWNER);
    expect(exported?.messages.map((m) => m.id)).toEqual(chat.messages.map((m) => m.id));
    expect(exported?.lastRun).toBeUndefined();
  });

  it("refuses, changing nothing: an unknown message, an answer to edit, a run in progress, a version that is not there", async () => {
    const { deps, store, chat } = await twoTurns("refusals");
    const [question, answer] = chat.messages;
    const turn = (t: TurnInput, owner = OWNER) => startChatTurn(deps, { owner, chatId: "refusals", turn: t });

    await expect(turn(edit("nope", "x"))).rejects.toMatchObject({
      kind: "missing",
      message: "There is no such message in this chat.",
    });
    await expect(turn({ kind: "regenerate", messageId: "nope" })).rejects.toMatchObject({
      kind: "missing",
    });
    await expect(turn(edit(answer?.id ?? "", "x"))).rejects.toMatchObject({
      kind: "invalid",
      message: "Only your own messages can be edited; an answer can be regenerated.",
    });
    await expect(turn(edit(question?.id ?? "", "x"), { id: "anon:someone-else" })).rejects.toMatchObject({
      kind: "missing",
    });
    await expect(
      switchChatVersion(store, "refusals", OWNER, { messageId: question?.id ?? "", version: 1 }),
    ).rejects.toMatchObject({ kind: "missing", message: "This message has no other versions." });
    expect(await store.getChat("refusals")).toEqual(chat);

    await readUIStream(await turn({ kind: "regenerate", messageId: answer?.id ?? "" }));
    const regenerated = await store.getChat("refusals");
    const newAnswer = regenerated?.messages[1]?.id ?? "";
    await expect(
      switchChatVersion(store, "refusals", OWNER, { messageId: newAnswer, version: 3 }),
    ).rejects.toMatchObject({ kind: "missing", message: "This message has 2 versions, not 3." });

    // While a run is in progress nothing forks or switches: Stop it first.
    const running = await turn(say("Run a slow multi-step analysis of the sales data"));
    const busy = "A run is still in progress in this chat. Wait for it to finish or stop it first.";
    await expect(turn(edit(question?.id ?? "", "x"))).rejects.toThrow(busy);
    await expect(turn({ kind: "regenerate", messageId: newAnswer })).rejects.toThrow(busy);
    await expect(
      switchChatVersion(store, "refusals", OWNER, { messageId: newAnswer, version: 1 }),
    ).rejects.toThrow(busy);
    await running.body?.cancel();
    const after = await store.getChat("refusals");
    expect(after?.messages.slice(0, 2)).toEqual(regenerated?.messages);
  });

  it("a failed answer switched back to can be retried, on its own branch", async () => {
    const { deps, store, seen } = setup(60_000);
    const chatId = "retry-version";
    const run = async (turn: TurnInput) =>
      readUIStream(await startChatTurn(deps, { owner: OWNER, chatId, turn }));
    await run(say("Please fail this run"));
    const failed = await store.getChat(chatId);
    const question = failed?.messages[0]?.id ?? "";
    const edited = edit(question, "What is a lakehouse?");
    await run(edited);
    await switchChatVersion(store, chatId, OWNER, { messageId: edited.message.id, version: 1 });

    const retried = await run({ kind: "retry" });
    expect(retried[0]).toEqual({ type: "start", messageId: failed?.messages[1]?.id });
    expect(lastInput(seen).filter((line) => line.startsWith("user"))).toEqual(["user: Please fail this run"]);
    expect((await versionsOf(store, chatId))[question]).toEqual({ current: 1, count: 2 });
  });

  it("an approval left pending lapses with the answer that asked for it", async () => {
    const { deps, store, seen } = setup(60_000);
    await readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "lapse",
        turn: say("Search the web for lakehouse news"),
      }),
    );
    const asked = await store.getChat("lapse");
    const request = asked?.history.find((item) => item.type === "mcp_approval_request");
    expect(request).toBeDefined();
    const edited = edit(asked?.messages[0]?.id ?? "", "What is a lakehouse?");
    await readUIStream(await startChatTurn(deps, { owner: OWNER, chatId: "lapse", turn: edited }));
    expect(lastInput(seen)).toEqual(["user: What is a lakehouse?"]);
    const approve: TurnInput = {
      kind: "approval",
      decisions: [{ approvalRequestId: String(request?.id), approve: true }],
    };
    await expect(startChatTurn(deps, { owner: OWNER, chatId: "lapse", turn: approve })).rejects.toMatchObject(
      {
        kind: "missing",
      },
    );

    // Back on the version that asked, the request waits again, and the decision goes on with that answer.
    await switchChatVersion(store, "lapse", OWNER, { messageId: edited.message.id, version: 1 });
    const decided = await readUIStream(
      await startChatTurn(deps, { owner: OWNER, chatId: "lapse", turn: approve }),
    );
    expect(decided[0]).toEqual({ type: "start", messageId: asked?.messages[1]?.id });
    expect(lastInput(seen)).toContain("mcp_approval_response");
  });
});
