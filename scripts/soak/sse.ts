// Reads an AI SDK UI message stream (Server-Sent Events, one JSON chunk per `data:` line, `[DONE]` at the end).

import type { UIMessageChunk } from "ai";

export interface StreamRead {
  chunks: UIMessageChunk[];
  /** The body ended cleanly (`[DONE]` or EOF); false when the connection broke mid-way. */
  complete: boolean;
  /** What broke it, when it broke. */
  error?: string;
}

/** Splits SSE text into the JSON chunks of its `data:` lines; returns the text left after the last event. */
export function parseEvents(buffer: string, onChunk: (chunk: UIMessageChunk) => void): string {
  let rest = buffer;
  for (let end = rest.indexOf("\n\n"); end >= 0; end = rest.indexOf("\n\n")) {
    const event = rest.slice(0, end);
    rest = rest.slice(end + 2);
    const data = event
      .split("\n")
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, ""))
      .join("\n");
    if (!data || data === "[DONE]") continue;
    onChunk(JSON.parse(data) as UIMessageChunk);
  }
  return rest;
}

export async function readUIStream(
  body: ReadableStream<Uint8Array>,
  onChunk?: (chunk: UIMessageChunk) => void,
): Promise<StreamRead> {
  const chunks: UIMessageChunk[] = [];
  const decoder = new TextDecoder();
  let buffer = "";
  const reader = body.getReader();
  const take = (chunk: UIMessageChunk) => {
    chunks.push(chunk);
    onChunk?.(chunk);
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer = parseEvents(buffer + decoder.decode(value, { stream: true }).replaceAll("\r\n", "\n"), take);
    }
    parseEvents(`${buffer}\n\n`, take);
    return { chunks, complete: true };
  } catch (error) {
    return { chunks, complete: false, error: error instanceof Error ? error.message : String(error) };
  }
}
