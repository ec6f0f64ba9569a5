import { describe, expect, it } from "vitest";
import type { UpstreamItem } from "@/lib/shared/upstream";
import { noEcho } from "./echo";
import type { PollEvent } from "./poll";
import { type StreamFollowOptions, streamBackgroundResponse } from "./stream";
import { startBackgroundRun, streamsRuns } from "./submit";
import { fakeClock, httpError, message, response, scriptedClient } from "./testing";
import type { UpstreamEventStream, UpstreamStreamEvent } from "./types";

/** OpenAI's event sequence for a response whose output is `messages`, numbered from 0. */
function eventsFor(
  messages: Array<{ id: string; words: string[] }>,
  end = "completed",
): UpstreamStreamEvent[] {
  const events: Array<{ type: string; [field: string]: unknown }> = [
    { type: "response.created", response: response("queued", []) },
    { type: "response.in_progress", response: response("in_progress", []) },
  ];
  const done: UpstreamItem[] = [];
  messages.forEach(({ id, words }, index) => {
    events.push({
      type: "response.output_item.added",
      output_index: index,
      item: message(id, "", "in_progress"),
    });
    for (const word of words)
      events.push({
        type: "response.output_text.delta",
        output_index: index,
        item_id: id,
        content_index: 0,
        delta: word,
      });
    const item = message(id, words.join(""));
    done.push(item);
    events.push({ type: "response.output_item.done", output_index: index, item });
  });
  events.push({ type: `response.${end}`, response: response(end, done) });
  return events.map((event, sequence_number) => ({ ...event, sequence_number }));
}

/** An event stream over `events`; `cutAfter` drops the connection after that many events. */
function eventStream(
  events: UpstreamStreamEvent[],
  cutAfter = Number.POSITIVE_INFINITY,
): UpstreamEventStream {
  let closed = false;
  return {
    close: () => {
      closed = true;
    },
    async *[Symbol.asyncIterator]() {
      for (const [i, event] of events.entries()) {
        if (closed) return;
        if (i >= cutAfter) throw new TypeError("terminated");
        yield structuredClone(event);
      }
    },
  };
}

/** A streaming upstream: resume replays `events` after `startingAfter`; `cuts` drops successive connections. */
function streamingClient(events: UpstreamStreamEvent[], cuts: number[] = []) {
  const polled = scriptedClient([response("completed", finalOutput(events))]);
  const resumes: Array<number | undefined> = [];
  const client = {
    ...polled.client,
    streaming: {
      create: async () => eventStream(events, cuts.shift()),
      resume: async (_id: string, { startingAfter }: { startingAfter?: number }) => {
        resumes.push(startingAfter);
        const rest = events.filter((e) => (e.sequence_number as number) > (startingAfter ?? -1));
        return eventStream(rest, cuts.shift());
      },
    },
  };
  return { client, resumes, calls: polled.calls };
}

function finalOutput(events: UpstreamStreamEvent[]): UpstreamItem[] {
  const last = events.at(-1)?.response as { output: UpstreamItem[] } | undefined;
  return last?.output ?? [];
}

async function follow(options: Omit<StreamFollowOptions, "clock" | "intervalMs" | "echo" | "responseId">) {
  const events: PollEvent[] = [];
  for await (const event of streamBackgroundResponse({
    clock: fakeClock(),
    intervalMs: 2000,
    echo: noEcho,
    responseId: "resp_1",
    ...options,
  }))
    events.push(event);
  return {
    events,
    deltas: events.flatMap((e) => (e.type === "delta" ? [`${e.index}:${e.delta}`] : [])),
    items: events.flatMap((e) => (e.type === "item" ? [`${e.index}:${String(e.item.id)}`] : [])),
    end: events.find((e) => e.type === "end"),
  };
}

const TWO_MESSAGES = eventsFor([
  { id: "msg_a", words: ["Sales ", "grew ", "12%."] },
  { id: "msg_b", words: ["West ", "led."] },
]);

describe("streamBackgroundResponse", () => {
  it("forwards the upstream's real deltas and each finished item once, in order, with the polling cursor", async () => {
    const { client, calls } = streamingClient(TWO_MESSAGES);
    const created = await client.streaming.create();
    const { deltas, items, end, events } = await follow({ client, events: created });
    expect(deltas).toEqual(["0:Sales ", "0:grew ", "0:12%.", "1:West ", "1:led."]);
    expect(items).toEqual(["0:msg_a", "1:msg_b"]);
    expect(end).toMatchObject({ type: "end", outcome: { status: "completed" }, cursor: 2 });
    // Every delta of an item comes before the item itself.
    const order = events.flatMap((e) => (e.type === "delta" || e.type === "item" ? [e.type] : []));
    expect(order).toEqual(["delta", "delta", "delta", "item", "delta", "delta", "item"]);
    expect(calls.retrieve).toBe(0);
  });

  it("re-opens a dropped stream after the last event it saw: nothing repeated, nothing lost", async () => {
    // The first connection breaks in the middle of the first message.
    const { client, resumes } = streamingClient(TWO_MESSAGES, [4]);
    const created = await client.streaming.create();
    const { deltas, items, end } = await follow({ client, events: created });
    expect(resumes).toEqual([3]);
    expect(deltas).toEqual(["0:Sales ", "0:grew ", "0:12%.", "1:West ", "1:led."]);
    expect(items).toEqual(["0:msg_a", "1:msg_b"]);
    expect(end).toMatchObject({ outcome: { status: "completed" } });
  });

  it("continues a run from a stored cursor after a hand-over: the stream is replayed, shown items are skipped", async () => {
    const { client, resumes } = streamingClient(TWO_MESSAGES);
    const { deltas, items, end } = await follow({ client, cursor: 1 });
    expect(resumes).toEqual([undefined]);
    expect(deltas).toEqual(["1:West ", "1:led."]);
    expect(items).toEqual(["1:msg_b"]);
    expect(end).toMatchObject({ cursor: 2 });
  });

  it("falls back to polling from the cursor when the stream cannot be re-opened", async () => {
    const { client, calls } = streamingClient(TWO_MESSAGES, [4]);
    const created = await client.streaming.create();
    client.streaming.resume = async () => {
      throw httpError(400, "This response was not created with stream: true.");
    };
    const { deltas, items, end } = await follow({ client, events: created });
    expect(deltas).toEqual(["0:Sales "]);
    // The message that was streaming comes whole from the poll; the UI layer sends only its unsent rest.
    expect(items).toEqual(["0:msg_a", "1:msg_b"]);
    expect(end).toMatchObject({ outcome: { status: "completed" }, cursor: 2 });
    expect(calls.retrieve).toBe(1);
  });

  it("tries a stream whose re-open failed on the way (a reset, a 503) again, and follows it on", async () => {
    const { client, resumes, calls } = streamingClient(TWO_MESSAGES, [4]);
    const created = await client.streaming.create();
    const resume = client.streaming.resume;
    let failures = 0;
    client.streaming.resume = async (id, options) => {
      if (failures++ < 2) throw failures === 1 ? new TypeError("fetch failed") : httpError(503, "busy");
      return resume(id, options);
    };
    const { deltas, items, end } = await follow({ client, events: created });
    expect(deltas.join("")).toMatch(/^0:Sales /);
    expect(items).toEqual(["0:msg_a", "1:msg_b"]);
    expect(end).toMatchObject({ outcome: { status: "completed" }, cursor: 2 });
    expect(resumes).toEqual([3]);
    expect(calls.retrieve).toBe(0);
  });

  it("gives up on a stream that keeps closing without an event, and polls", async () => {
    const { client, resumes, calls } = streamingClient(TWO_MESSAGES, [0, 0, 0, 0, 0, 0]);
    const { items, end } = await follow({ client, cursor: 0 });
    expect(resumes.length).toBeLessThanOrEqual(4);
    expect(items).toEqual(["0:msg_a", "1:msg_b"]);
    expect(end).toMatchObject({ outcome: { status: "completed" } });
    expect(calls.retrieve).toBe(1);
  });

  it("keeps the chat's stream alive while the upstream is silent", async () => {
    const clock = fakeClock();
    const { client } = streamingClient(TWO_MESSAGES);
    const silentFor = async function* () {
      yield TWO_MESSAGES[0] as UpstreamStreamEvent;
      await clock.at(20_000); // a hosted tool runs for 20 s without an event
      yield* TWO_MESSAGES.slice(1);
    };
    const events: PollEvent[] = [];
    for await (const event of streamBackgroundResponse({
      client,
      clock,
      intervalMs: 2000,
      echo: noEcho,
      responseId: "resp_1",
      events: { close: () => undefined, [Symbol.asyncIterator]: silentFor },
    }))
      events.push(event);
    const firstDelta = events.findIndex((e) => e.type === "delta");
    expect(events.slice(0, firstDelta).filter((e) => e.type === "status").length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(4000);
    expect(events.at(-1)).toMatchObject({ type: "end", outcome: { status: "completed" } });
  });

  it("reports a run that ends failed with the upstream's message", async () => {
    const failed = eventsFor([{ id: "msg_a", words: ["Partial"] }], "failed");
    const last = failed.at(-1) as UpstreamStreamEvent;
    (last.response as Record<string, unknown>).error = {
      code: "server_error",
      message: "The model crashed.",
    };
    const { client } = streamingClient(failed);
    const { items, end } = await follow({ client, events: await client.streaming.create() });
    expect(items).toEqual(["0:msg_a"]);
    expect(end).toMatchObject({ outcome: { status: "failed", message: "The model crashed." } });
  });

  it("a stream that just closes after a cancel, with no terminal event, is settled by a retrieve", async () => {
    const cut = TWO_MESSAGES.slice(0, 5); // created, in_progress, added, two deltas: then the upstream hangs up
    const { client, calls } = streamingClient(cut);
    const cancelled = response("cancelled", [message("msg_a", "Sales grew", "in_progress")]);
    client.retrieve = async () => {
      calls.retrieve += 1;
      return cancelled;
    };
    const { deltas, end } = await follow({ client, events: await client.streaming.create() });
    expect(deltas).toEqual(["0:Sales ", "0:grew "]);
    expect(end).toMatchObject({ outcome: { status: "cancelled" } });
    expect(calls.retrieve).toBe(1);
  });

  it("quirk 3 in docs/upstreams.md: a response already terminal at create is finished without streaming", async () => {
    const { client, resumes } = streamingClient(TWO_MESSAGES);
    const initial = response("completed", [message("msg_a", "Done.")]);
    const { items, end } = await follow({ client, initial });
    expect(items).toEqual(["0:msg_a"]);
    expect(end).toMatchObject({ outcome: { status: "completed" } });
    expect(resumes).toEqual([]);
  });

  it("stops quietly when the caller leaves, closing the stream", async () => {
    const controller = new AbortController();
    const { client } = streamingClient(TWO_MESSAGES);
    let closed = false;
    const created = await client.streaming.create();
    const events = {
      close: () => {
        closed = true;
        created.close();
      },
      [Symbol.asyncIterator]: () => created[Symbol.asyncIterator](),
    };
    const seen: PollEvent[] = [];
    for await (const event of streamBackgroundResponse({
      client,
      clock: fakeClock(),
      intervalMs: 2000,
      echo: noEcho,
      responseId: "resp_1",
      events,
      signal: controller.signal,
    })) {
      seen.push(event);
      if (event.type === "delta") controller.abort();
    }
    expect(seen.some((e) => e.type === "end")).toBe(false);
    expect(closed).toBe(true);
  });
});

describe("startBackgroundRun", () => {
  const request = { model: "m", input: [{ type: "message", role: "user", content: "hi" }] };

  it("creates with background and stream on, and names the run from the first event", async () => {
    const bodies: unknown[] = [];
    const { client } = streamingClient(TWO_MESSAGES);
    const create = client.streaming.create;
    client.streaming.create = async (...args: unknown[]) => {
      bodies.push(args[0]);
      return create();
    };
    const started = await startBackgroundRun(client, request);
    expect(bodies).toEqual([{ ...request, background: true, stream: true }]);
    expect(started.response).toMatchObject({ id: "resp_1", status: "queued" });
    const { deltas } = await follow({ client, events: started.events });
    expect(deltas[0]).toBe("0:Sales ");
  });

  it("an upstream that refuses background + stream gets one plain create, and is polled from then on", async () => {
    const { client, calls } = streamingClient(TWO_MESSAGES);
    const plain = scriptedClient([], response("queued", []));
    let streamedCreates = 0;
    const refusing = {
      ...client,
      create: plain.client.create,
      streaming: {
        ...client.streaming,
        create: async () => {
          streamedCreates += 1;
          throw Object.assign(httpError(400, "'stream' and 'background' cannot both be true."), {
            param: "stream",
          });
        },
      },
    };
    const started = await startBackgroundRun(refusing, request);
    expect(started.events).toBeUndefined();
    expect(plain.calls.create).toEqual([{ ...request, background: true, stream: false }]);
    expect(streamsRuns(refusing)).toBe(false);
    await startBackgroundRun(refusing, request);
    expect(streamedCreates).toBe(1);
    expect(calls.create).toEqual([]);
  });

  it("never retries a streamed create that failed for another reason (quirk 8)", async () => {
    const { client } = streamingClient(TWO_MESSAGES);
    const plain = scriptedClient([], response("queued", []));
    const failing = {
      ...client,
      create: plain.client.create,
      streaming: {
        ...client.streaming,
        create: async () => {
          throw httpError(503, "Service unavailable");
        },
      },
    };
    await expect(startBackgroundRun(failing, request)).rejects.toMatchObject({ status: 503 });
    expect(plain.calls.create).toEqual([]);
    expect(streamsRuns(failing)).toBe(true);
  });
});
