import { describe, expect, it } from "vitest";
import { cancelChatRun } from "./cancel";
import { resumeChatRun } from "./resume";
import { OWNER, readUIStream, say, setup, streamedText } from "./testing";
import { startChatTurn, type TurnInput } from "./turn";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Retry", () => {
  it("runs a stopped answer again in the same message, saying it was retried", async () => {
    const { deps, seen, store } = setup(60_000);
    const reading = readUIStream(
      await startChatTurn(deps, {
        owner: OWNER,
        chatId: "again",
        turn: say("Run a multi-step data analysis"),
      }),
    );
    await sleep(400);
    await cancelChatRun(deps, "again", OWNER.id);
    await reading;
    const stopped = await store.getChat("again");
    const answerId = stopped?.messages.at(-1)?.id;
    const createsBefore = seen.filter((r) => r.method === "POST" && r.path.endsWith("/responses")).length;

    const retried = await readUIStream(
      await startChatTurn(deps, { owner: OWNER, chatId: "again", turn: { kind: "retry" } }),
    );
    expect(retried[0]).toEqual({ type: "start", messageId: answerId });
    expect(retried).toContainEqual({
      type: "data-run-outcome",
      id: "run-outcome",
      data: { status: "retried", message: "Retried after: The run was stopped.", atItem: expect.any(Number) },
    });
    expect(streamedText(retried)).toMatch(/multi-step data analysis/);
    expect(retried.at(-1)).toEqual({ type: "finish", finishReason: "stop" });
    expect(seen.filter((r) => r.method === "POST" && r.path.endsWith("/responses")).length).toBe(
      createsBefore + 1,
    );

    const chat = await store.getChat("again");
    expect(chat?.run?.state).toBe("completed");
    // Still one question and one answer: the retry continued the stopped message.
    expect(chat?.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(chat?.messages.at(-1)?.parts.filter((p) => p.type === "data-run-outcome")).toEqual([
      {
        type: "data-run-outcome",
        id: "run-outcome",
        data: {
          status: "retried",
          message: "Retried after: The run was stopped.",
          atItem: expect.any(Number),
        },
      },
    ]);
  });

  it("a retry that fails again: the note stays where the retry began, the new failure ends the message", async () => {
    // A 300 ms stream budget: every attempt is handed over to reconnects, which rebuild the message.
    const { deps, store } = setup(300, undefined, undefined, undefined, { timeScale: 0.5 });
    const outcomes = async () =>
      ((await store.getChat("twice"))?.messages.at(-1)?.parts ?? []).flatMap((p) =>
        p.type === "data-run-outcome" ? [`${p.id}:${p.data.status}`] : p.type === "text" ? ["text"] : [],
      );
    const attempt = async (turn: TurnInput) => {
      const streams = [
        await readUIStream(await startChatTurn(deps, { owner: OWNER, chatId: "twice", turn })),
      ];
      while (!streams.at(-1)?.some((c) => c.type === "finish")) {
        const resumed = await resumeChatRun(deps, { ownerId: OWNER.id, chatId: "twice" });
        if (!resumed) throw new Error("the run neither finished nor can be resumed");
        streams.push(await readUIStream(resumed));
      }
      return streams;
    };
    const first = await attempt(say("Make this request fail, please."));
    expect(first.length).toBeGreaterThan(1);
    expect(await outcomes()).toEqual(["text", "run-outcome:failed"]);

    await attempt({ kind: "retry" });
    expect(await outcomes()).toEqual(["text", "run-outcome:retried", "text", "run-outcome-2:failed"]);
    const chat = await store.getChat("twice");
    const note = chat?.messages.at(-1)?.parts.find((p) => p.type === "data-run-outcome");
    expect(note?.type === "data-run-outcome" && note.data.message).toMatch(/^Retried after: /);
    expect(chat?.run?.state).toBe("failed");

    await attempt({ kind: "retry" });
    expect(await outcomes()).toEqual([
      "text",
      "run-outcome:retried",
      "text",
      "run-outcome-2:retried",
      "text",
      "run-outcome-3:failed",
    ]);
  });

  it("refuses a retry of a finished answer, of a run still going, and in someone else's chat", async () => {
    const { deps, seen } = setup(60_000);
    await readUIStream(await startChatTurn(deps, { owner: OWNER, chatId: "fine", turn: say("Hello there") }));
    const requests = seen.length;
    await expect(
      startChatTurn(deps, { owner: OWNER, chatId: "fine", turn: { kind: "retry" } }),
    ).rejects.toMatchObject({ kind: "conflict" });
    await expect(
      startChatTurn(deps, { owner: { id: "anon:intruder" }, chatId: "fine", turn: { kind: "retry" } }),
    ).rejects.toMatchObject({ kind: "missing" });
    expect(seen.length).toBe(requests);

    const running = await startChatTurn(deps, {
      owner: OWNER,
      chatId: "busy",
      turn: say("long report please"),
    });
    await expect(
      startChatTurn(deps, { owner: OWNER, chatId: "busy", turn: { kind: "retry" } }),
    ).rejects.toThrow(/still in progress/);
    await cancelChatRun(deps, "busy", OWNER.id);
    await readUIStream(running);
  });
});
