import { APIError } from "openai";
import type { ResponseStreamEvent } from "openai/resources/responses/responses";
import { describe, expect, it, vi } from "vitest";
import { SCENARIOS } from "./scenarios";
import { asWire, messageText, setup } from "./test-helpers";
import type { JsonObject } from "./types";

/** Events as plain wire objects: the union has no `response.cancelled`, and tests compare whole objects. */
type WireEvent = JsonObject & { type: string; sequence_number: number };

async function collect(
  stream: AsyncIterable<ResponseStreamEvent>,
  stopAfter?: (event: WireEvent) => boolean,
) {
  const events: WireEvent[] = [];
  for await (const event of stream) {
    events.push(event as unknown as WireEvent);
    if (stopAfter?.(event as unknown as WireEvent)) break;
  }
  return events;
}

function streamingSetup() {
  const harness = setup({ flavor: "openai" });
  const { client } = harness;
  return {
    ...harness,
    createStream: (input: string, extra: Record<string, unknown> = {}) =>
      client.responses.create({
        model: "m",
        input,
        background: true,
        stream: true,
        ...extra,
      } as never) as never as Promise<AsyncIterable<ResponseStreamEvent>>,
    resume: (id: string, startingAfter?: number) =>
      client.responses.retrieve(id, { stream: true, starting_after: startingAfter }),
  };
}

/** The response id, from the `response.created` event that opens every stream. */
function responseIdOf(events: WireEvent[]): string {
  const created = events[0]?.response as JsonObject | undefined;
  if (typeof created?.id !== "string") throw new Error("The stream did not open with response.created.");
  return created.id;
}

const ofType = (events: WireEvent[], type: string) => events.filter((event) => event.type === type);

describe("openai flavour: background + stream", () => {
  it("streams created → queued → in_progress → items → completed, matching GET afterwards", async () => {
    const { createStream, retrieve, advance } = streamingSetup();
    const stream = await createStream("Hello there");
    advance(60_000);
    const events = await collect(stream);
    const id = responseIdOf(events);
    const final = await retrieve(id);
    expect(final.status).toBe("completed");

    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    expect(events.slice(0, 3).map((event) => event.type)).toEqual([
      "response.created",
      "response.queued",
      "response.in_progress",
    ]);
    expect(events[0]?.response).toMatchObject({ id, status: "queued", output: [], background: true });
    expect(events.at(-1)).toMatchObject({ type: "response.completed" });
    expect(ofType(events, "response.completed")).toHaveLength(1);
    expect(events.at(-1)?.response).toEqual(final);

    const message = final.output.findIndex((item) => item.type === "message");
    const deltas = ofType(events, "response.output_text.delta").filter(
      (event) => event.output_index === message,
    );
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.map((event) => event.delta).join("")).toBe(messageText(final.output[message]));
    expect(deltas[0]).toMatchObject({ item_id: final.output[message]?.id, content_index: 0, logprobs: [] });
    expect(ofType(events, "response.output_text.done")[0]?.text).toBe(messageText(final.output[message]));

    const added = ofType(events, "response.output_item.added");
    const done = ofType(events, "response.output_item.done");
    expect(added.map((event) => event.output_index)).toEqual(final.output.map((_, index) => index));
    expect(done.map((event) => event.item)).toEqual(final.output);
    expect(added[message]?.item).toMatchObject({ type: "message", status: "in_progress", content: [] });

    // Per message: added, part added, deltas, text done, part done, item done.
    const perMessage = events
      .filter((event) => event.output_index === message)
      .map((event) => event.type)
      .filter((type, index, all) => type !== all[index - 1]);
    expect(perMessage).toEqual([
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
    ]);
  });

  it("streams every kind of item of a multi-step run: reasoning, function calls, their outputs", async () => {
    const { createStream, retrieve, advance } = streamingSetup();
    const stream = await createStream("Analyze the sales data");
    advance(120_000);
    const events = await collect(stream);
    const id = responseIdOf(events);
    const final = await retrieve(id);
    expect(final.status).toBe("completed");
    expect(new Set(final.output.map((item) => item.type))).toEqual(
      new Set(["reasoning", "function_call", "function_call_output", "message"]),
    );
    expect(ofType(events, "response.output_item.done").map((event) => event.item)).toEqual(final.output);
    expect(events.at(-1)?.response).toEqual(final);

    for (const [index, item] of final.output.entries()) {
      const mine = events.filter((event) => event.output_index === index);
      expect(mine[0]?.type).toBe("response.output_item.added");
      expect(mine.at(-1)?.type).toBe("response.output_item.done");
      const joined = (type: string) =>
        ofType(mine, type)
          .map((event) => event.delta)
          .join("");
      if (item.type === "function_call") {
        expect(mine[0]?.item).toMatchObject({ arguments: "", status: "in_progress" });
        expect(joined("response.function_call_arguments.delta")).toBe(item.arguments);
        expect(ofType(mine, "response.function_call_arguments.done")[0]?.arguments).toBe(item.arguments);
      }
      if (item.type === "reasoning") {
        const summary = (item.summary as Array<{ text: string }>)[0]?.text;
        expect(joined("response.reasoning_summary_text.delta")).toBe(summary);
        expect(ofType(mine, "response.reasoning_summary_text.done")[0]?.text).toBe(summary);
      }
    }
  });
});

describe("the SDK's own accumulator (client.responses.stream)", () => {
  // The client-function scenario needs its functions offered; the others ignore them.
  const tools = ["get_current_time", "calculate"].map((name) => ({ type: "function", name, parameters: {} }));

  it.each(SCENARIOS.map((scenario) => [scenario.name, scenario.example]))(
    "%s: accepts every event and ends with GET's response",
    async (_name, input) => {
      const { client, retrieve, advance } = streamingSetup();
      const stream = client.responses.stream({ model: "m", input, background: true, tools } as never);
      // The request is sent after this tick: move the clock once the run exists.
      stream.on("response.created", () => advance(120_000));
      // The helper adds its parse results (`parsed`, `parsed_arguments`, `output_parsed`); the rest is the wire.
      const parseResults = new Set(["parsed", "parsed_arguments", "output_parsed"]);
      const withoutParsed = JSON.stringify(await stream.finalResponse(), (key, value) =>
        parseResults.has(key) ? undefined : value,
      );
      const final = asWire(JSON.parse(withoutParsed));
      expect(final).toEqual(await retrieve(final.id));
    },
    // The hostile run's megabyte of text takes a second or so to render frame by frame; more on a busy machine.
    20_000,
  );
});

describe("terminal events", () => {
  it.each([
    ["Please fail", "failed", "response.failed"],
    ["Please truncate", "incomplete", "response.incomplete"],
    ["An instant answer, please.", "completed", "response.completed"],
  ])("%s → one %s terminal event carrying GET's response", async (input, status, terminal) => {
    const { createStream, retrieve, advance } = streamingSetup();
    const stream = await createStream(input);
    advance(60_000);
    const events = await collect(stream);
    const final = await retrieve(responseIdOf(events));
    expect(final.status).toBe(status);
    expect(events.slice(0, 3).map((event) => event.type)).toEqual([
      "response.created",
      "response.queued",
      "response.in_progress",
    ]);
    expect(
      events.filter((event) => /^response\.(completed|failed|incomplete|cancelled)$/.test(event.type)),
    ).toEqual([events.at(-1)]);
    expect(events.at(-1)).toMatchObject({ type: terminal, response: final });
    // Every item GET shows, the one a failure cut short included, was closed with its final form.
    expect(ofType(events, "response.output_item.done").map((event) => event.item)).toEqual(final.output);
    const texts = final.output.filter((item) => item.type === "message").map(messageText);
    const deltas = ofType(events, "response.output_text.delta").map((event) => event.delta);
    expect(deltas.join("")).toBe(texts.join(""));
  });

  it("refuses a starting_after that is not a sequence number", async () => {
    const { createStream, emulator } = streamingSetup();
    const id = responseIdOf(await collect(await createStream("Hello"), () => true));
    const response = await emulator.fetch(
      `http://emulator.local/v1/responses/${id}?stream=true&starting_after=x`,
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { param: string } }).error.param).toBe("starting_after");
  });
});

describe("resuming with GET ?stream=true&starting_after", () => {
  it("continues exactly after the given event, with the same sequence numbers", async () => {
    const { createStream, resume, advance } = streamingSetup();
    const stream = await createStream("Hello there");
    advance(1_500); // the message has begun
    let deltasSeen = 0;
    const head = await collect(stream, (event) => {
      if (event.type === "response.output_text.delta") deltasSeen += 1;
      return deltasSeen === 2;
    });
    const id = responseIdOf(head);
    const last = head.at(-1)?.sequence_number as number;

    advance(60_000);
    const tail = await collect(await resume(id, last));
    const full = await collect(await resume(id));
    expect(full.slice(0, head.length)).toEqual(head);
    expect(tail).toEqual(full.slice(last + 1));
    expect(tail[0]?.sequence_number).toBe(last + 1);
    expect(tail.at(-1)?.type).toBe("response.completed");
  });

  it("replays a finished response and closes; -1 or no starting_after means from the start", async () => {
    const { createStream, resume, advance } = streamingSetup();
    advance(0);
    const first = await collect(await createStream("Hello there"), () => true);
    const id = responseIdOf(first);
    advance(60_000);
    const all = await collect(await resume(id));
    expect(await collect(await resume(id, -1))).toEqual(all);
    expect(await collect(await resume(id, all.length - 1))).toEqual([]);
    expect(await collect(await resume(id, all.length + 10))).toEqual([]);
  });

  it("gives a reader who came early, piece by piece, the same events as one reading at the end", async () => {
    const { emulator, advance, resume } = streamingSetup();
    const response = await emulator.fetch("http://emulator.local/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", input: "Hello there", background: true, stream: true }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    // Each read is one look at the log; every step crosses new frames, so none of them waits.
    for (const step of [0, 830, 400, 333, 40, 250, 1_000, 60_000]) {
      advance(step);
      const chunk = await reader.read();
      if (chunk.done) break;
      text += decoder.decode(chunk.value, { stream: true });
    }
    const early = parseEvents(text);
    expect(early.at(-1)?.type).toBe("response.completed");
    const id = responseIdOf(early);
    expect(await collect(await resume(id))).toEqual(early);
  });
});

/** `event: <type>` / `data: <json>` blocks, checking that the two agree. */
function parseEvents(text: string): WireEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.trim())
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      const event = JSON.parse(dataLine?.replace(/^data: /, "") ?? "") as WireEvent;
      expect(eventLine).toBe(`event: ${event.type}`);
      return event;
    });
}

describe("faults on streams", () => {
  it("cuts a stream mid-way for a malformed fault; a resume from the last event received completes it", async () => {
    const { createStream, client, resume, advance } = streamingSetup();
    const id = responseIdOf(await collect(await createStream("Hello there"), () => true));
    advance(1_500);
    const cut = await client.responses.retrieve(
      id,
      { stream: true },
      { headers: { "x-emulator-faults": "malformed=1" } },
    );
    const received: WireEvent[] = [];
    const error = await (async () => {
      for await (const event of cut) {
        received.push(event as unknown as WireEvent);
        advance(100); // so that the stream has something new to send before it is cut
      }
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ message: "fetch failed" });
    expect(received.length).toBeGreaterThan(3);
    expect(received.map((event) => event.type)).not.toContain("response.completed");

    advance(60_000);
    const rest = await collect(await resume(id, received.at(-1)?.sequence_number));
    expect([...received, ...rest]).toEqual(await collect(await resume(id)));
    expect(rest.at(-1)?.type).toBe("response.completed");
  });

  it("serves a stream whole for a slow fault (a trickle would wait for the end of the run)", async () => {
    const { createStream, client, advance } = streamingSetup();
    const id = responseIdOf(await collect(await createStream("Hello there"), () => true));
    advance(60_000);
    const stream = await client.responses.retrieve(
      id,
      { stream: true },
      { headers: { "x-emulator-faults": "slow=1" } },
    );
    expect((await collect(stream)).at(-1)?.type).toBe("response.completed");
  });
});

describe("cancel and disconnect", () => {
  it("ends open streams with response.cancelled, equal to GET; the item being written gets no done", async () => {
    const { createStream, resume, retrieve, cancel, advance } = streamingSetup();
    const stream = await createStream("Write a long report");
    advance(2_000);
    const head = await collect(stream, (event) => event.type === "response.output_text.delta");
    const id = responseIdOf(head);
    const other = await resume(id, head.at(-1)?.sequence_number as number);
    const cancelled = await cancel(id);
    advance(60_000);
    const tail = await collect(other);
    expect(tail.at(-1)).toMatchObject({ type: "response.cancelled" });
    expect(tail.at(-1)?.response).toEqual(cancelled);
    expect(await retrieve(id)).toEqual(cancelled);
    expect(ofType([...head, ...tail], "response.output_item.done")).toEqual([]);
    const text = [...head, ...tail]
      .filter((event) => event.type === "response.output_text.delta")
      .map((event) => event.delta)
      .join("");
    expect(text).toBe(messageText(cancelled.output[0]));
  });

  it("cancels a queued response: created, queued, cancelled", async () => {
    const { createStream, cancel, resume } = streamingSetup();
    const head = await collect(
      await createStream("Write a long report"),
      (event) => event.type === "response.queued",
    );
    const id = responseIdOf(head);
    await cancel(id);
    const all = await collect(await resume(id));
    expect(all.map((event) => event.type)).toEqual([
      "response.created",
      "response.queued",
      "response.cancelled",
    ]);
  });

  it("stops serving (no poll timer left) when the client goes away", async () => {
    const { createStream, emulator, advance } = streamingSetup();
    const stream = await createStream("Write a long report");
    advance(2_000);
    expect(emulator.openStreams()).toBe(1);
    await collect(stream, (event) => event.type === "response.output_text.delta");
    await vi.waitFor(() => expect(emulator.openStreams()).toBe(0));
  });

  it("stops serving when the request is aborted while it waits for the next event", async () => {
    const { emulator } = streamingSetup();
    const controller = new AbortController();
    const response = await emulator.fetch("http://emulator.local/v1/responses", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", input: "Write a long report", background: true, stream: true }),
      signal: controller.signal,
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // created + queued; the next read waits on a clock that does not move
    const pending = reader.read().catch((error: unknown) => error);
    controller.abort();
    expect(await pending).toBeDefined();
    expect(emulator.openStreams()).toBe(0);
  });
});

describe("refusals", () => {
  it("keeps the Databricks flavour's 400 for stream with background", async () => {
    const error = await setup()
      .create({ model: "m", input: "Hi", background: true, stream: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toMatch(/'stream' and 'background' cannot both be true/);
  });

  it("answers 400 for a stream of a response created without stream, 404 for an unknown id", async () => {
    const { create, resume } = streamingSetup();
    const polled = await create({ model: "m", input: "Hello", background: true });
    const notStreamed = await resume(polled.id).catch((e: unknown) => e);
    expect((notStreamed as APIError).status).toBe(400);
    const unknown = await resume("resp_unknown").catch((e: unknown) => e);
    expect((unknown as APIError).status).toBe(404);
  });

  it("still answers background without stream with the JSON response", async () => {
    const { create } = streamingSetup();
    expect(asWire(await create({ model: "m", input: "Hello", background: true })).status).toBe("queued");
  });
});
