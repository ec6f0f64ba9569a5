import { describe, expect, it } from "vitest";
import type { PollEvent } from "@/lib/background";
import { fakeClock, message } from "@/lib/background/testing";
import { type ChatChunk, ToolCallTracker, viewItem } from "./item-parts";
import { benchRevealPacing, revealText } from "./reveal";
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

  it("paces like the fixed-poll baseline only when the browser bench asks for it", async () => {
    expect(benchRevealPacing({})).toEqual({});
    const clock = fakeClock();
    const text = Array.from({ length: 500 }, (_, i) => `w${i} `).join("");
    const start = clock.now();
    const deltas = await collect(
      revealText(text, { clock, ...benchRevealPacing({ BENCH_REVEAL: "baseline" }) }),
    );
    expect(deltas).toHaveLength(500);
    expect(deltas.join("")).toBe(text);
    expect(clock.now() - start).toBe(499 * 10);
  });
});

describe("viewItem", () => {
  const tracker = () => new ToolCallTracker(() => 1000);

  it("maps a hosted function call and its output to one provider-executed tool part", () => {
    const calls = tracker();
    const call = viewItem(
      { type: "function_call", id: "fc_1", call_id: "c1", name: "query_genie", arguments: '{"q":"sales"}' },
      0,
      calls,
    );
    const out = viewItem({ type: "function_call_output", call_id: "c1", output: "42 rows" }, 1, calls);
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
          toolMetadata: { kind: "hosted", startedAt: 1000 },
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
          toolMetadata: { kind: "hosted", startedAt: 1000, finishedAt: 1000 },
        },
      ],
    });
  });

  it("marks the app's own function tools as not provider-executed", () => {
    const view = viewItem(
      { type: "function_call", id: "fc_1", call_id: "c1", name: "calculate", arguments: "{}" },
      0,
      tracker(),
      new Set(["calculate"]),
    );
    expect(view?.kind === "chunks" && view.chunks[0]).toMatchObject({
      providerExecuted: false,
      toolMetadata: { kind: "client" },
    });
  });

  it("turns an MCP approval request into a tool part awaiting approval, keyed by the request id", () => {
    const calls = tracker();
    const request = {
      type: "mcp_approval_request",
      id: "mcpr_1",
      server_label: "web-search",
      name: "search_web",
      arguments: '{"query":"q"}',
    };
    const view = viewItem(request, 0, calls);
    expect(view?.kind === "chunks" && view.chunks).toEqual([
      expect.objectContaining({
        type: "tool-input-available",
        toolCallId: "mcpr_1",
        toolName: "search_web",
        input: { query: "q" },
        title: "web-search",
      }),
      { type: "tool-approval-request", approvalId: "mcpr_1", toolCallId: "mcpr_1" },
    ]);
    // The approved call's result lands on the same card; an error shows as the tool's error.
    const done = viewItem(
      {
        type: "mcp_call",
        id: "mcp_1",
        approval_request_id: "mcpr_1",
        name: "search_web",
        output: "3 results",
      },
      1,
      calls,
    );
    expect(done?.kind === "chunks" && done.chunks).toEqual([
      expect.objectContaining({ type: "tool-output-available", toolCallId: "mcpr_1", output: "3 results" }),
    ]);
    const failed = viewItem(
      { type: "mcp_call", id: "mcp_2", name: "fetch", server_label: "web", error: { message: "timeout" } },
      2,
      calls,
    );
    expect(failed?.kind === "chunks" && failed.chunks.map((c) => c.type)).toEqual([
      "tool-input-available",
      "tool-output-error",
    ]);
  });

  it("lists an MCP server's tools", () => {
    const view = viewItem(
      {
        type: "mcp_list_tools",
        id: "mcpl_1",
        server_label: "web-search",
        tools: [{ name: "search_web", description: "Search" }],
      },
      0,
      tracker(),
    );
    expect(view?.kind === "chunks" && view.chunks[0]).toEqual({
      type: "data-mcp-tools",
      id: "mcpl_1",
      data: { serverLabel: "web-search", tools: [{ name: "search_web", description: "Search" }] },
    });
  });

  it("shows unknown item types as a generic part instead of dropping them", () => {
    const view = viewItem({ type: "hologram", id: "h1", glow: 3 }, 0, tracker());
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
    const view = viewItem(item, 0, tracker());
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
    expect(outcome?.outcome).toEqual({ status: "failed", message: "Genie timed out" });
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

describe("streamRunToUI with real deltas", () => {
  const delta = (index: number, text: string): PollEvent => ({
    type: "delta",
    index,
    itemId: "msg_a",
    delta: text,
  });
  const item = (index: number, text: string): PollEvent => ({
    type: "item",
    item: message("msg_a", text),
    index,
    cursor: index + 1,
  });
  const textOf = (chunks: ChatChunk[]) =>
    chunks.flatMap((c) => (c.type === "text-delta" ? [c.delta] : [])).join("");
  const kinds = (chunks: ChatChunk[]) => chunks.map((c) => c.type).filter((t) => t.startsWith("text-"));

  it("forwards the upstream's deltas as they come and does not send the finished item's text again", async () => {
    const { writer, chunks } = recordingWriter();
    await streamRunToUI(events(delta(0, "Sales "), delta(0, "grew."), item(0, "Sales grew.")), {
      writer,
      clock: fakeClock(),
    });
    expect(textOf(chunks)).toBe("Sales grew.");
    expect(kinds(chunks)).toEqual(["text-start", "text-delta", "text-delta", "text-end"]);
  });

  it("sends only the rest when the item finished after the stream was lost (polled whole)", async () => {
    const { writer, chunks } = recordingWriter();
    await streamRunToUI(events(delta(0, "Sales "), item(0, "Sales grew 12% in the west.")), {
      writer,
      clock: fakeClock(),
    });
    expect(textOf(chunks)).toBe("Sales grew 12% in the west.");
    expect(kinds(chunks).filter((k) => k === "text-start")).toHaveLength(1);
  });

  it("closes a half-streamed answer when the run is stopped in the middle of it", async () => {
    const { writer, chunks } = recordingWriter();
    await streamRunToUI(
      events(delta(0, "Sales "), { type: "end", outcome: { status: "cancelled" }, cursor: 0 }),
      { writer, clock: fakeClock() },
    );
    expect(kinds(chunks)).toEqual(["text-start", "text-delta", "text-end"]);
    expect(chunks.at(-1)).toMatchObject({ type: "data-run-outcome", data: { status: "cancelled" } });
  });
});

describe("status parts", () => {
  it("are sent when the state changes or as a keep-alive, not after every retrieve", async () => {
    const { writer, chunks } = recordingWriter();
    const clock = fakeClock();
    const status = (status: string, polls: number, retrying?: boolean): PollEvent => ({
      type: "status",
      status,
      polls,
      elapsedMs: 0,
      responseId: "resp_1",
      ...(retrying ? { retrying: { attempt: 1, delayMs: 500, message: "503" } } : {}),
    });
    async function* run() {
      yield status("queued", 1);
      yield status("queued", 2); // unchanged, 0 ms later: not sent
      yield status("in_progress", 3); // changed: sent
      await clock.sleep(2000);
      yield status("in_progress", 4); // unchanged, 2 s later: not sent
      yield status("in_progress", 5, true); // a retry: sent
      yield status("in_progress", 6); // the retry is over: sent
      await clock.sleep(4000);
      yield status("in_progress", 7); // unchanged, but 4 s later: sent as a keep-alive
    }
    await streamRunToUI(run(), { writer: writer as never, clock });
    const sent = chunks.flatMap((c) =>
      c.type === "data-run-status" ? [(c.data as { polls: number }).polls] : [],
    );
    expect(sent).toEqual([1, 3, 5, 6, 7]);
  });
});
