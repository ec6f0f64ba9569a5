import { describe, expect, it } from "vitest";
import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import { createEchoFilter, noEcho } from "./echo";
import { type PollEvent, type PollOptions, pollBackgroundResponse } from "./poll";
import { ExtraLookAllowance } from "./schedule";
import { submitBackgroundResponse } from "./submit";
import { fakeClock, httpError, message, response, scriptedClient } from "./testing";

async function run(options: Omit<PollOptions, "clock" | "intervalMs"> & Partial<PollOptions>) {
  const clock = options.clock ?? fakeClock();
  const events: PollEvent[] = [];
  for await (const event of pollBackgroundResponse({ intervalMs: 2000, ...options, clock }))
    events.push(event);
  const items = events.flatMap((e) => (e.type === "item" ? [e.item] : []));
  const end = events.find((e) => e.type === "end");
  return { events, items, end, clock };
}

const texts = (items: UpstreamItem[]) =>
  items.map((i) => (i.type === "message" ? (i.content as Array<{ text: string }>)[0]?.text : i.type));

const userTurn = (text: string): UpstreamItem => ({ type: "message", role: "user", content: text });
const call = (callId: string, id: string | null = `fc_${callId}`, status = "completed"): UpstreamItem => ({
  type: "function_call",
  id,
  call_id: callId,
  name: "query_genie",
  arguments: "{}",
  status,
});
const callOutput = (callId: string): UpstreamItem => ({
  type: "function_call_output",
  call_id: callId,
  output: "42",
});

/** A retrieve that records when it was made and answers in_progress until `done()`. */
const timedStep = (clock: { now(): number }, at: number[], done: () => boolean) => () => {
  at.push(clock.now());
  return response(done() ? "completed" : "in_progress", []);
};

describe("pollBackgroundResponse", () => {
  it("says the answer is being written while the upstream shows an unfinished assistant message with text", async () => {
    const { client } = scriptedClient([
      response("in_progress", [call("c1", "fc_c1", "in_progress")]),
      response("in_progress", [call("c1"), message("msg_1", "", "in_progress")]),
      response("in_progress", [call("c1"), message("msg_1", "The answer so f", "in_progress")]),
      response("completed", [call("c1"), message("msg_1", "The answer so far.")]),
    ]);
    const { events } = await run({ client, responseId: "resp_1", echo: noEcho });
    const writing = events.flatMap((e) => (e.type === "status" ? [!!e.writing] : []));
    // A tool call in flight, an empty message (not yet words), words coming; never once it is over.
    expect(writing).toEqual([false, false, true, false]);
  });

  it("quirk 1 in docs/upstreams.md: skips echoed history by id and call_id and shows only the new answer", async () => {
    const history = [
      userTurn("hi"),
      message("msg_old", "Old answer"),
      call("c1"),
      callOutput("c1"),
      userTurn("again"),
    ];
    const echoed = [message("msg_old", "Old answer"), call("c1"), callOutput("c1")];
    const { client } = scriptedClient([response("completed", [...echoed, message("msg_new", "New answer")])]);
    const { items, end } = await run({ client, responseId: "resp_1", echo: createEchoFilter(history) });
    expect(texts(items)).toEqual(["New answer"]);
    expect(end).toMatchObject({ outcome: { status: "completed" }, cursor: 4 });
  });

  it("quirk 1: an echo without a matching id is recognised by its text, but a repeated new answer is still shown", async () => {
    const history = [userTurn("hi"), message("msg_a", "Sure."), userTurn("again")];
    // The upstream re-ids its echo; the new answer happens to be the same words.
    const output = [message("msg_copy", "Sure."), message("msg_b", "Sure.")];
    const { client } = scriptedClient([response("completed", output)]);
    const { items } = await run({ client, responseId: "resp_1", echo: createEchoFilter(history) });
    expect(items.map((i) => i.id)).toEqual(["msg_b"]);
  });

  it("quirk 2: stops at an unfinished or id-less item and takes it once it is finished", async () => {
    const { client } = scriptedClient([
      response("in_progress", [
        call("c1"),
        callOutput("c1"),
        message(null, "Par", "in_progress"),
        call("c2"),
      ]),
      response("in_progress", [
        call("c1"),
        callOutput("c1"),
        message("msg_1", "Partial done"),
        call("c2", null, "queued"),
      ]),
      response("completed", [call("c1"), callOutput("c1"), message("msg_1", "Partial done"), call("c2")]),
    ]);
    const { events } = await run({ client, responseId: "resp_1", echo: noEcho });
    const order = events.flatMap((e) =>
      e.type === "item" ? [`${e.item.type}@${e.index}`] : e.type === "status" ? ["poll"] : [],
    );
    expect(order).toEqual([
      "function_call@0",
      "function_call_output@1", // no id, still finished
      "poll",
      "message@2",
      "poll",
      "poll", // completed: the last item is still to be shown
      "function_call@3",
    ]);
  });

  it("quirk 3: a create that is already terminal is finished without a single retrieve", async () => {
    const { client, calls } = scriptedClient([]);
    const initial = response("completed", [message("msg_1", "Instant")]);
    const { items, end } = await run({ client, responseId: "resp_1", echo: noEcho, initial });
    expect(texts(items)).toEqual(["Instant"]);
    expect(end?.type === "end" && end.outcome.status).toBe("completed");
    expect(calls.retrieve).toBe(0);
  });

  it("quirk 6: ends on every terminal status with the upstream's words", async () => {
    const cases = [
      [
        response("failed", [message("msg_1", "half")], {
          error: { code: "server_error", message: "Genie timed out" },
        }),
        { status: "failed", message: "Genie timed out", code: "server_error" },
      ],
      [
        response("cancelled", [message(null, "cut", "in_progress")], { usage: null }),
        { status: "cancelled" },
      ],
      [
        response("incomplete", [message("msg_1", "trunc", "incomplete")], {
          incomplete_details: { reason: "max_output_tokens" },
        }),
        { status: "incomplete", reason: "max_output_tokens" },
      ],
      [response("weird_new_status", []), { status: "failed" }],
    ] as const;
    for (const [final, outcome] of cases) {
      const { client } = scriptedClient([response("in_progress", []), final]);
      const { end, items } = await run({ client, responseId: "resp_1", echo: noEcho });
      expect(end).toMatchObject({ outcome });
      // Whatever the run produced before it ended is kept, even the unfinished last item.
      expect(items.length).toBe(final.output.length);
    }
  });

  it("quirk 6: unknown item types and extra fields are passed on, never fatal", async () => {
    const odd = { type: "hologram", id: "h1", sparkle: { level: 9 } };
    const { client } = scriptedClient([
      response("completed", [odd, message("msg_1", "ok")], { brand_new_field: 1 }),
    ]);
    const { items, end } = await run({ client, responseId: "resp_1", echo: noEcho });
    expect(items).toEqual([odd, message("msg_1", "ok")]);
    expect(end?.type === "end" && end.outcome.status).toBe("completed");
  });

  it("a 404 on retrieve means the stored run expired", async () => {
    const { client } = scriptedClient([httpError(404, "Response not found")]);
    const { end } = await run({ client, responseId: "resp_1", echo: noEcho });
    expect(end).toMatchObject({ outcome: { status: "expired" } });
  });

  it("retries transient retrieve errors with growing back-off and honours Retry-After", async () => {
    const clock = fakeClock();
    const { client, calls } = scriptedClient([
      httpError(503, "Service Unavailable"),
      Object.assign(new Error("socket hang up"), { name: "APIConnectionError" }),
      httpError(429, "Slow down", { "retry-after": "7" }),
      response("in_progress", []),
      response("completed", [message("msg_1", "Made it")]),
    ]);
    const { events, items } = await run({
      client,
      clock,
      responseId: "resp_1",
      echo: noEcho,
      intervalMs: 1000,
    });
    const retries = events.flatMap((e) => (e.type === "status" && e.retrying ? [e.retrying] : []));
    expect([...new Set(retries.map((r) => r.attempt))]).toEqual([1, 2, 3]);
    expect(retries.find((r) => r.attempt === 3)?.delayMs).toBe(7000);
    expect(retries[0]?.message).toBe("Service Unavailable");
    // Once a retrieve succeeds the notice is gone.
    expect(events.filter((e) => e.type === "status").at(-1)).not.toHaveProperty("retrying");
    expect(texts(items)).toEqual(["Made it"]);
    expect(calls.retrieve).toBe(5);
  });

  it("gives up after too many consecutive failures, and never retries a rejected credential", async () => {
    const failing = scriptedClient([httpError(502, "Bad Gateway")]);
    const gaveUp = await run({ client: failing.client, responseId: "resp_1", echo: noEcho, maxRetries: 3 });
    expect(gaveUp.end).toMatchObject({ outcome: { status: "error" } });
    expect(failing.calls.retrieve).toBe(4);

    const rejected = scriptedClient([httpError(401, "Invalid access token")]);
    const auth = await run({ client: rejected.client, responseId: "resp_1", echo: noEcho });
    expect(auth.end).toMatchObject({
      outcome: {
        status: "error",
        message: expect.stringMatching(/rejected the app's credentials \(401: Invalid access token\)/),
      },
    });
    expect(rejected.calls.retrieve).toBe(1);
  });

  it("gives up on a response still running past the upstream's 30-minute cap, and cancels it", async () => {
    const clock = fakeClock();
    const createdAt = Math.floor(clock.now() / 1000);
    const stuck = scriptedClient([
      () => response("in_progress", [message("m1", "partial")], { created_at: createdAt }),
    ]);
    const result = await run({
      client: stuck.client,
      clock,
      responseId: "resp_1",
      echo: noEcho,
      intervalMs: 60_000,
    });
    expect(texts(result.items)).toEqual(["partial"]);
    expect(result.end).toMatchObject({
      outcome: {
        status: "error",
        message: expect.stringMatching(/after 35 minutes, past the agent's 30-minute limit/),
      },
    });
    expect(clock.now() - createdAt * 1000).toBeGreaterThan(35 * 60_000);
    expect(clock.now() - createdAt * 1000).toBeLessThan(37 * 60_000);
    expect(stuck.calls.cancel).toBe(1);
  });

  it("stops polling as soon as its signal aborts", async () => {
    const controller = new AbortController();
    const { client, calls } = scriptedClient([
      (n) => {
        if (n === 3) controller.abort();
        return response("in_progress", []);
      },
    ]);
    const { end } = await run({ client, responseId: "resp_1", echo: noEcho, signal: controller.signal });
    expect(end).toBeUndefined();
    expect(calls.retrieve).toBe(3);
  });

  /**
   * Follow a fresh run (created queued) at a 2 s interval on a fake clock, the upstream answering each retrieve
   * with `script(ms since create, looks so far)`: when each look was made, and the events.
   */
  async function followScripted(
    script: (t: number, looks: number) => UpstreamResponse,
    allowance?: (clock: ReturnType<typeof fakeClock>) => ExtraLookAllowance,
  ) {
    const clock = fakeClock();
    const lookAllowance = allowance?.(clock);
    const at: number[] = [];
    const created = clock.now();
    const { client } = scriptedClient([
      () => {
        at.push(clock.now() - created);
        return script(clock.now() - created, at.length);
      },
    ]);
    const { events } = await run({
      client,
      clock,
      responseId: "resp_1",
      echo: noEcho,
      initial: response("queued", []),
      intervalMs: 2000,
      lookAllowance,
    });
    const statuses = events.flatMap((e) => (e.type === "status" ? [e] : []));
    return { at, statuses, clock };
  }

  it("looks at a fresh run after 500 ms, again at 2 s, and, still queued, at the interval's multiples from 6 s on, never silent past the heartbeat", async () => {
    const { at, statuses, clock } = await followScripted((_, looks) =>
      response(looks >= 8 ? "completed" : "queued", []),
    );
    expect(at).toEqual([500, 2000, 6000, 8000, 10_000, 12_000, 14_000, 16_000]);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(4000);
    expect(Math.max(...statuses.map((e) => e.polls))).toBe(7);
    expect(statuses.every((e) => e.status === "queued")).toBe(true);
  });

  it("looks sooner while the answer is being written, says so, and spends only a few looks on it", async () => {
    // Busy with a tool for 20 s, then writing the answer until 40 s.
    const { at, statuses } = await followScripted((t) => {
      if (t >= 40_000) return response("completed", [message("m1", "The whole answer.")]);
      if (t >= 20_000) return response("in_progress", [message(null, "The whole")]);
      return response("in_progress", [call("c1", null, "in_progress")]);
    });
    const writing = at.filter((t) => t >= 20_000);
    // Every 500 ms for 2 s, then every second, until the extra looks are spent; then the interval.
    expect(writing.slice(0, 6)).toEqual([20_000, 20_500, 21_000, 21_500, 22_000, 23_000]);
    expect(at.filter((t) => t % 2000 !== 0).length).toBeLessThanOrEqual(8);
    expect(at.at(-1)).toBe(40_000);
    expect(statuses.some((e) => e.writing)).toBe(true);
    expect(statuses.filter((e) => e.elapsedMs < 20_000).some((e) => e.writing)).toBe(false);
  });

  it("keeps to the steady interval's multiples when the process has spent its extra looks on other runs", async () => {
    const writingFrom20s = (t: number) => {
      if (t >= 30_000) return response("completed", [message("m1", "The whole answer.")]);
      if (t >= 20_000) return response("in_progress", [message(null, "The whole")]);
      return response("in_progress", [call("c1", null, "in_progress")]);
    };
    // Two extra looks left in the process, and none coming back: the first look at 500 ms and one more.
    const { at } = await followScripted(writingFrom20s, (clock) => new ExtraLookAllowance(clock.now, 0, 2));
    expect(at.filter((t) => t % 2000 !== 0)).toEqual([500, 20_500]);
    expect(at.at(-1)).toBe(30_000);
    // A process with looks to spare gives the same run its usual extra looks.
    const spare = await followScripted(writingFrom20s, (clock) => new ExtraLookAllowance(clock.now));
    expect(spare.at.filter((t) => t % 2000 !== 0).length).toBeGreaterThan(2);
  });

  it("a run of minutes costs one retrieve per interval: 30 a minute at 2 s, from its first minute on", async () => {
    const tenMinutes = 600_000;
    // Started at once and busy with one long tool call all along (the early looks find nothing finishing).
    const { at } = await followScripted((t) =>
      t >= tenMinutes
        ? response("completed", [message("m1", "Done.")])
        : response("in_progress", [call("c1", null, "in_progress")]),
    );
    const within = (ms: number) => at.filter((t) => t <= ms).length;
    for (let ms = 6000; ms <= tenMinutes; ms += 1000) expect(within(ms)).toBeLessThanOrEqual(ms / 2000);
    // And never slower than the interval once the first 5 s are over.
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    expect(Math.max(...gaps.filter((_, i) => (at[i] as number) >= 5000))).toBe(2000);
  });

  it("polls a resumed run (already under way) at the steady interval from the first look", async () => {
    const clock = fakeClock();
    const at: number[] = [];
    const { client } = scriptedClient([timedStep(clock, at, () => at.length >= 4)]);
    const start = clock.now();
    // Created a minute ago: past the first minute's extra looks.
    await run({
      client,
      clock,
      responseId: "resp_1",
      echo: noEcho,
      intervalMs: 2000,
      startedAt: start - 60_000,
    });
    expect(at.map((t) => t - start)).toEqual([0, 2000, 4000, 6000]);
  });

  it("keeps talking while a retrieve is slow to answer", async () => {
    const clock = fakeClock();
    const { client } = scriptedClient([response("completed", [message("msg_1", "Slow but sure")])]);
    const slowClient = {
      ...client,
      retrieve: async (id: string) => clock.at(20_000).then(() => client.retrieve(id)),
    };
    const { events, items } = await run({ client: slowClient, clock, responseId: "resp_1", echo: noEcho });
    const beforeAnswer = events.slice(
      0,
      events.findIndex((e) => e.type === "item"),
    );
    expect(beforeAnswer.filter((e) => e.type === "status").length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(4000);
    expect(texts(items)).toEqual(["Slow but sure"]);
  });

  it("resumes from a stored cursor without repeating what was already shown", async () => {
    const out = [message("msg_1", "one"), message("msg_2", "two"), message("msg_3", "three")];
    const { client } = scriptedClient([response("completed", out)]);
    const { items } = await run({ client, responseId: "resp_1", echo: noEcho, cursor: 2 });
    expect(texts(items)).toEqual(["three"]);
  });
});

describe("submitBackgroundResponse", () => {
  it("creates once with background on and streaming off", async () => {
    const { client, calls } = scriptedClient([], response("queued", []));
    await submitBackgroundResponse(client, { model: "m", input: [userTurn("hi")], tools: [] });
    expect(calls.create).toEqual([{ model: "m", input: [userTurn("hi")], background: true, stream: false }]);
  });
});
