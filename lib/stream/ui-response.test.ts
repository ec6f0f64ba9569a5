import { consumeStream, createUIMessageStream, readUIMessageStream, type UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@/lib/shared/chat";
import type { ChatChunk } from "./item-parts";
import { uiMessageStreamResponse } from "./ui-response";

const user: ChatMessage = { id: "u1", role: "user", parts: [{ type: "text", text: "hi" }] };

/** A turn with everything the app sends: word deltas, a tool card, a replaced data part, transient statuses. */
function turnChunks(): ChatChunk[] {
  const words = Array.from({ length: 200 }, (_, i) => `word${i} `);
  return [
    { type: "start", messageId: "run-1" },
    { type: "start-step" },
    {
      type: "data-run-status",
      id: "run-status",
      transient: true,
      data: { status: "queued", elapsedMs: 0, polls: 0 },
    },
    {
      type: "tool-input-available",
      toolCallId: "c1",
      toolName: "genie",
      input: { q: "sales" },
      dynamic: true,
    },
    { type: "tool-output-available", toolCallId: "c1", output: { rows: 3 }, dynamic: true },
    { type: "text-start", id: "t1" },
    ...words.map((delta): ChatChunk => ({ type: "text-delta", id: "t1", delta })),
    { type: "text-end", id: "t1" },
    { type: "data-run-outcome", id: "run-outcome", data: { status: "failed", message: "first" } },
    { type: "data-run-outcome", id: "run-outcome", data: { status: "failed", message: "second" } },
    { type: "finish-step" },
    { type: "finish", finishReason: "stop" },
  ];
}

/** What the AI SDK's own stream stores for the same parts: the reference the lean stream must equal. */
async function sdkMessage(originalMessages: ChatMessage[], chunks: ChatChunk[]): Promise<ChatMessage> {
  let message: ChatMessage | undefined;
  const stream = createUIMessageStream<ChatMessage>({
    originalMessages,
    execute: ({ writer }) => {
      for (const chunk of chunks) writer.write(chunk);
    },
    onEnd: ({ responseMessage }) => {
      message = responseMessage;
    },
  });
  await consumeStream({ stream });
  if (!message) throw new Error("no message");
  return message;
}

function parseEvents(text: string): { chunks: UIMessageChunk[]; done: boolean } {
  const data = text
    .split("\n\n")
    .filter(Boolean)
    .map((event) => {
      expect(event.startsWith("data: ")).toBe(true);
      return event.slice("data: ".length);
    });
  const done = data.at(-1) === "[DONE]";
  return { chunks: data.filter((d) => d !== "[DONE]").map((d) => JSON.parse(d)), done };
}

describe("uiMessageStreamResponse", () => {
  it("sends every part as an SSE event, ends with [DONE], and stores what the AI SDK would store", async () => {
    const chunks = turnChunks();
    const ends: { responseMessage: ChatMessage; isCancelled: boolean }[] = [];
    const response = uiMessageStreamResponse({
      originalMessages: [user],
      headers: { "Cache-Control": "no-cache, no-transform" },
      execute: async (writer) => {
        for (const chunk of chunks) writer.write(chunk);
      },
      onEnd: (end) => void ends.push(end),
    });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("x-vercel-ai-ui-message-stream")).toBe("v1");
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");

    const sent = parseEvents(await response.text());
    expect(sent.done).toBe(true);
    // (The AI SDK's reducer keeps data parts by reference and updates them, so compare with fresh copies.)
    expect(sent.chunks).toEqual(turnChunks());
    expect(ends).toHaveLength(1);
    expect(ends[0]?.isCancelled).toBe(false);
    expect(ends[0]?.responseMessage).toEqual(await sdkMessage([user], turnChunks()));
    // And the browser, reading the same events, builds that same message.
    let browser: ChatMessage | undefined;
    const events = new ReadableStream<UIMessageChunk>({
      start(c) {
        for (const chunk of sent.chunks) c.enqueue(chunk);
        c.close();
      },
    });
    for await (const snapshot of readUIMessageStream<ChatMessage>({ stream: events })) browser = snapshot;
    expect(browser?.parts).toEqual(ends[0]?.responseMessage.parts);
  });

  it("with nobody reading, stores the same message and sends nothing but the end", async () => {
    const ends: { responseMessage: ChatMessage; isCancelled: boolean }[] = [];
    const response = uiMessageStreamResponse({
      originalMessages: [user],
      unread: true,
      execute: async (writer) => {
        for (const chunk of turnChunks()) writer.write(chunk);
      },
      onEnd: (end) => void ends.push(end),
    });
    expect(parseEvents(await response.text())).toEqual({ chunks: [], done: true });
    expect(ends).toHaveLength(1);
    expect(ends[0]?.responseMessage).toEqual(await sdkMessage([user], turnChunks()));
  });

  it("continues an assistant message already stored (an approval's next cycle) as the AI SDK does", async () => {
    const earlier: ChatMessage = {
      id: "run-1",
      role: "assistant",
      parts: [{ type: "text", text: "Before the approval.", state: "done" }],
    };
    const chunks: ChatChunk[] = [
      { type: "start", messageId: "run-1" },
      { type: "text-start", id: "t2" },
      { type: "text-delta", id: "t2", delta: "After " },
      { type: "text-delta", id: "t2", delta: "it." },
      { type: "text-end", id: "t2" },
    ];
    let stored: ChatMessage | undefined;
    const response = uiMessageStreamResponse({
      originalMessages: [user, earlier],
      execute: async (writer) => {
        for (const chunk of chunks) writer.write(chunk);
      },
      onEnd: ({ responseMessage }) => {
        stored = responseMessage;
      },
    });
    await response.text();
    expect(stored).toEqual(await sdkMessage([user, earlier], chunks));
    expect(stored?.parts.map((p) => (p.type === "text" ? p.text : p.type))).toEqual([
      "Before the approval.",
      "After it.",
    ]);
  });

  it("when the browser goes away, stores what was sent so far at once, and everything once the run is done", async () => {
    const ends: { responseMessage: ChatMessage; isCancelled: boolean }[] = [];
    let release: () => void = () => {};
    let finished = false;
    let gone: AbortSignal | undefined;
    const response = uiMessageStreamResponse({
      originalMessages: [user],
      execute: async (writer, readerGone) => {
        gone = readerGone;
        writer.write({ type: "start", messageId: "run-2" });
        writer.write({ type: "text-start", id: "t" });
        writer.write({ type: "text-delta", id: "t", delta: "Half an answer" });
        await new Promise<void>((resolve) => {
          release = resolve;
        });
        writer.write({ type: "text-delta", id: "t", delta: " and the rest" });
        writer.write({ type: "text-end", id: "t" });
        finished = true;
      },
      onEnd: (end) => void ends.push(end),
    });
    const reader = response.body?.getReader();
    const first = await reader?.read();
    expect(new TextDecoder().decode(first?.value)).toContain('"type":"start"');
    expect(gone?.aborted).toBe(false);
    await reader?.cancel();
    // The run's loop hears of it (the request's own signal may never fire).
    expect(gone?.aborted).toBe(true);
    expect(ends).toHaveLength(1);
    expect(ends[0]?.isCancelled).toBe(true);
    expect(ends[0]?.responseMessage.parts).toEqual([
      { type: "text", text: "Half an answer", state: "streaming" },
    ]);
    release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(finished).toBe(true);
    // The run went on without the browser (it may have ended meanwhile): what it wrote is not lost.
    expect(ends).toHaveLength(2);
    expect(ends[1]?.isCancelled).toBe(false);
    expect(ends[1]?.responseMessage.parts).toEqual([
      { type: "text", text: "Half an answer and the rest", state: "done" },
    ]);
  });

  it("stores the browser's leaving before the end, never over it", async () => {
    const stored: string[] = [];
    let finishRun: () => void = () => {};
    const response = uiMessageStreamResponse({
      originalMessages: [user],
      execute: async (writer) => {
        writer.write({ type: "start", messageId: "run-4" });
        await new Promise<void>((resolve) => {
          finishRun = resolve;
        });
      },
      onEnd: async ({ isCancelled }) => {
        // The snapshot's write is slow; the end comes while it is under way.
        if (isCancelled) await new Promise((resolve) => setTimeout(resolve, 20));
        stored.push(isCancelled ? "snapshot" : "end");
      },
    });
    const reader = response.body?.getReader();
    await reader?.read();
    const cancelled = reader?.cancel();
    finishRun();
    await cancelled;
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(stored).toEqual(["snapshot", "end"]);
  });

  it("a failure inside the run becomes an error part, and the message is still stored", async () => {
    const ends: ChatMessage[] = [];
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => void errors.push(args);
    try {
      const response = uiMessageStreamResponse({
        originalMessages: [user],
        execute: async (writer) => {
          writer.write({ type: "start", messageId: "run-3" });
          writer.write({ type: "text-start", id: "t" });
          writer.write({ type: "text-delta", id: "t", delta: "Kept" });
          throw new Error("database unreachable");
        },
        onEnd: ({ responseMessage }) => void ends.push(responseMessage),
      });
      const sent = parseEvents(await response.text());
      expect(sent.chunks.at(-1)).toEqual({ type: "error", errorText: "An error occurred." });
      expect(sent.done).toBe(true);
      expect(ends[0]?.parts[0]).toMatchObject({ type: "text", text: "Kept" });
      expect(JSON.stringify(errors)).toContain("database unreachable");
    } finally {
      console.error = original;
    }
  });
});
