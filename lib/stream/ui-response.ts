import { consumeStream, createUIMessageStream, UI_MESSAGE_STREAM_HEADERS } from "ai";
import type { ChatMessage } from "@/lib/shared/chat";
import type { ChatChunk } from "./item-parts";

/** Where a run's parts go: the browser's event stream (and the message stored at the end). */
export interface ChunkWriter {
  write(chunk: ChatChunk): void;
}

export interface UIResponseOptions {
  originalMessages: ChatMessage[];
  /**
   * Writes the run's parts. `readerGone` aborts when the browser stops reading: its request's own signal usually
   * says so too, but not always (about 1 in 100 tabs closed under load went unnoticed).
   */
  execute: (writer: ChunkWriter, readerGone: AbortSignal) => Promise<void>;
  /**
   * Called with the assistant message the parts built when `execute` is done (before the stream closes, so a
   * reload right after the end finds it stored); and before that, at once, when the browser goes away
   * (`isCancelled`: what was built so far). The run may end in the time between (the browser left as its last
   * item came), so the call after `execute` always comes, with everything `execute` wrote.
   */
  onEnd: (end: { responseMessage: ChatMessage; isCancelled: boolean }) => Promise<void> | void;
  headers?: Record<string, string>;
  /**
   * Nobody reads the body (the server following a run on its own): the parts are only kept for the stored
   * message, not encoded for a reader, and the body carries nothing but the end.
   */
  unread?: boolean;
}

const encoder = new TextEncoder();
const sse = (data: string) => encoder.encode(`data: ${data}\n\n`);

/**
 * The AI SDK's UI message stream protocol (SSE, `data: <chunk JSON>`, `data: [DONE]`) on one byte stream.
 *
 * `createUIMessageStream` + `createUIMessageStreamResponse` pipe every open stream through five
 * TransformStreams, about 11 KB each in Node and a hop per chunk each: with 1,000 runs in flight that was a
 * quarter of the process's live memory. Here the bytes go straight to the response, and the parts that make up
 * the stored message are only logged (consecutive deltas merged); the AI SDK's own reducer builds the message
 * from that log once, at the end, so it is exactly what the browser built from the same parts.
 */
export function uiMessageStreamResponse(options: UIResponseOptions): Response {
  const log = new ChunkLog();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  /** The browser still reads the stream. */
  let open = true;
  const encoded = !options.unread;
  const readerGone = new AbortController();
  /** `execute` is done: nothing more belongs to the message. */
  let done = false;
  // In order: the browser's leaving is stored before the end, never over it.
  let storing: Promise<void> = Promise.resolve();
  const end = (isCancelled: boolean) => {
    storing = storing
      .catch(() => undefined)
      .then(async () => {
        const responseMessage = await log.message(options.originalMessages);
        await options.onEnd({ responseMessage, isCancelled });
      });
    return storing;
  };
  const writer: ChunkWriter = {
    write(chunk) {
      if (done) return;
      log.add(chunk);
      if (open && encoded) controller?.enqueue(sse(JSON.stringify(chunk)));
    },
  };

  const body = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      void (async () => {
        try {
          await options.execute(writer, readerGone.signal);
        } catch (error) {
          // As the AI SDK does: the browser gets a generic error part; the details stay in the server's log.
          console.error("run stream:", error instanceof Error ? error.message : error);
          writer.write({ type: "error", errorText: "An error occurred." });
        }
        done = true;
        try {
          await end(false);
        } catch (error) {
          console.error("storing the run's message:", error instanceof Error ? error.message : error);
        }
        if (!open) return;
        open = false;
        c.enqueue(encoder.encode("data: [DONE]\n\n"));
        c.close();
      })();
    },
    async cancel() {
      open = false;
      readerGone.abort();
      if (!done) await end(true);
    },
  });
  const headers = new Headers(UI_MESSAGE_STREAM_HEADERS);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  return new Response(body, { headers });
}

/** The parts that belong in the stored message, with consecutive deltas of one part merged as they come. */
class ChunkLog {
  private chunks: ChatChunk[] = [];

  add(chunk: ChatChunk) {
    // Transient data parts (the run status) are never part of the message.
    if ("transient" in chunk && chunk.transient) return;
    const last = this.chunks.at(-1);
    if (
      (chunk.type === "text-delta" || chunk.type === "reasoning-delta") &&
      last?.type === chunk.type &&
      last.id === chunk.id &&
      !last.providerMetadata &&
      !chunk.providerMetadata
    ) {
      this.chunks[this.chunks.length - 1] = { ...last, delta: last.delta + chunk.delta };
      return;
    }
    this.chunks.push(chunk);
  }

  /** The message the AI SDK's reducer builds from these parts after `originalMessages`. */
  message(originalMessages: ChatMessage[]): Promise<ChatMessage> {
    return messageFromChunks(this.chunks, originalMessages);
  }
}

/**
 * The assistant message the AI SDK's reducer builds from `chunks` (continuing the last of `originalMessages` when
 * the chunks start with its id), as the browser builds it from the same stream.
 */
export async function messageFromChunks(
  chunks: readonly ChatChunk[],
  originalMessages: ChatMessage[] = [],
): Promise<ChatMessage> {
  let responseMessage: ChatMessage | undefined;
  const stream = createUIMessageStream<ChatMessage>({
    originalMessages,
    execute: ({ writer }) => {
      for (const chunk of chunks) writer.write(chunk);
    },
    onEnd: (end) => {
      responseMessage = end.responseMessage;
    },
  });
  await consumeStream({ stream });
  if (!responseMessage) throw new Error("the message could not be built from the run's parts");
  return responseMessage;
}
