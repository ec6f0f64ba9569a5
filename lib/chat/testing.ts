import type { UIMessageChunk } from "ai";

/** Read a UI message stream Response (SSE) to its end and return the chunks it carried. */
export async function readUIStream(response: Response): Promise<UIMessageChunk[]> {
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice("data: ".length)) as UIMessageChunk);
}

export function streamedText(chunks: UIMessageChunk[]): string {
  return chunks.flatMap((c) => (c.type === "text-delta" ? [c.delta] : [])).join("");
}
