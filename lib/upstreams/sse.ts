import { createParser, type EventSourceMessage } from "eventsource-parser";

/**
 * The server-sent events of a response body, as they arrive. Ends when the body ends (the caller decides
 * whether that was the stream's proper end, by what it said last); throws when the connection breaks.
 */
export async function* serverSentEvents(
  body: ReadableStream<Uint8Array> | null,
): AsyncGenerator<EventSourceMessage> {
  if (!body) return;
  const queue: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (event) => queue.push(event) });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        parser.feed(`${decoder.decode()}\n\n`);
        yield* queue.splice(0);
        return;
      }
      parser.feed(decoder.decode(value, { stream: true }));
      yield* queue.splice(0);
    }
  } finally {
    // Left early (the run ended, or the caller closed the stream): the connection is released.
    await reader.cancel().catch(() => undefined);
  }
}
