import { describe, expect, it } from "vitest";
import type { PollEvent } from "@/lib/background";
import { fakeClock, message } from "@/lib/background/testing";
import { type ChatChunk, viewItem } from "./item-parts";
import { revealText } from "./reveal";
import { streamRunToUI } from "./run-stream";

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of iterable) out.push(value);
  return out;
}

async function* events(...list: PollEvent[]): AsyncGenerator<PollEvent> {
  yield* list;
}

function recordingWriter() {
  const chunks: ChatChunk[] = [];
  return {
    chunks,
    writer: { write: (chunk: ChatChunk) => chunks.push(chunk), merge: () => {}, onError: undefined },
  };
}

describe("revealText", () => {
  it("reveals a 6,000-word answer exactly, in bounded time and a bounded number of deltas", async () => {
    const clock = fakeClock();
    const text = Array.from({ length: 6000 }, (_, i) => `word${i}${i % 12 === 11 ? ".\n\n" : " "}`).join("");
    const start = clock.now();
    const deltas = await collect(revealText(text, { clock, maxMs: 1500 }));
    expect(deltas.join("")).toBe(text);
    expect(clock.now() - start).toBeLessThanOrEqual(1500);
    expect(deltas.length).toBeLessThanOrEqual(60);
  });

  it("still reads as typed for a short answer, and keeps leading and trailing whitespace", async () => {
    const clock = fakeClock();
    const text = "  Hello there, how are you today?\n";
    const deltas = await collect(revealText(text, { clock }));
    expect(deltas.join("")).toBe(text);
    expect(deltas.length).toBeGreaterThan(1);
  });
});

describe("viewItem", () => {
  it("maps a hosted function call and its output to one provider-executed tool part", () => {
    const known = new Set<string>();
    const call = viewItem(
      { type: "function_call", id: "fc_1", call_id: "c1", name: "query_genie", arguments: '{"q":"sales"}' },
      0,
      known,
    );
    const out = viewItem({ type: "function_call_output", call_id: "c1", output: "42 rows" }, 1, known);
    expect(call).toEqual({
      kind: "chunks",
      chunks: [
        {
          type: "tool-input-available",
          toolCallId: "c1",
          toolName: "query_genie",
          input: { q: "sales" },
          dynamic: true,
          providerExecuted: true,
        },
      ],
    });
    expect(out).toEqual({
      kind: "chunks",
      chunks: [
        {
          type: "tool-output-available",
          toolCallId: "c1",
          output: "42 rows",
          dynamic: true,
          providerExecuted: true,
        },
      ],
    });
  });

  it("shows unknown item types as a generic part instead of dropping them", () => {
    const view = viewItem({ type: "hologram", id: "h1", glow: 3 }, 0, new Set());
    expect(view?.kind === "chunks" && view.chunks[0]).toMatchObject({
      type: "data-upstream-item",
      data: { itemType: "hologram" },
    });
  });

  it("keeps only http(s) citations", () => {
    const item = {
      ...message("msg_1", "See sources"),
      content: [
        {
          type: "output_text",
          text: "See sources",
          annotations: [
            { type: "url_citation", url: "https://example.com/a", title: "A" },
            { type: "url_citation", url: "javascript:alert(1)", title: "Evil" },
          ],
        },
      ],
    };
    const view = viewItem(item, 0, new Set());
    expect(view?.kind === "text" && view.after).toEqual([
      { type: "source-url", sourceId: "msg_1-0", url: "https://example.com/a", title: "A" },
    ]);
  });
});

describe("streamRunToUI", () => {
  it("streams items once, reports progress as transient status and a failure as a stored outcome", async () => {
    const { chunks, writer } = recordingWriter();
    const sent: number[] = [];
    const outcome = await streamRunToUI(
      events(
        { type: "status", status: "in_progress", polls: 1, elapsedMs: 2000, responseId: "resp_1" },
        { type: "item", item: message("msg_1", "Partial answer"), index: 0, cursor: 1 },
        { type: "end", outcome: { status: "failed", message: "Genie timed out" }, cursor: 1 },
      ),
      { writer: writer as never, clock: fakeClock(), onItemSent: (_item, cursor) => void sent.push(cursor) },
    );
    expect(outcome).toEqual({ status: "failed", message: "Genie timed out" });
    expect(chunks[0]).toMatchObject({
      type: "data-run-status",
      transient: true,
      data: { status: "in_progress", polls: 1 },
    });
    const text = chunks.flatMap((c) => (c.type === "text-delta" ? [c.delta] : [])).join("");
    expect(text).toBe("Partial answer");
    expect(chunks.at(-1)).toEqual({
      type: "data-run-outcome",
      id: "run-outcome",
      data: { status: "failed", message: "Genie timed out" },
    });
    expect(sent).toEqual([1]);
  });
});
