import OpenAI, { APIConnectionError, InternalServerError, RateLimitError } from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { FAULTS_HEADER, parseFaultRules, parseLatency } from "./faults";
import { createEmulator, type Emulator } from "./index";
import { seededRandom } from "./random";
import { type EmulatorServer, startEmulatorServer } from "./server";
import { asWire, START_MS, setup } from "./test-helpers";
import type { EmulatorOptions } from "./types";

const BASE = "http://emulator.local/v1/responses";

/** A fake clock shared by the emulator and the test, so faults are the only thing that varies. */
function emulatorAt(options: EmulatorOptions) {
  let now = START_MS;
  const emulator = createEmulator({ now: () => now, ...options });
  return {
    emulator,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

async function createRun(emulator: Emulator, question = "Hello there"): Promise<string> {
  const response = await emulator.fetch(BASE, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "m", input: question, background: true }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

type Outcome = "ok" | "503" | "429" | "reset" | "malformed";

/** What a client sees from one retrieve: the fault kinds as a client can tell them apart. */
async function retrieveOutcome(emulator: Emulator, id: string, headers: HeadersInit = {}): Promise<Outcome> {
  let response: Response;
  try {
    response = await emulator.fetch(`${BASE}/${id}`, { headers });
  } catch (error) {
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe("fetch failed");
    return "reset";
  }
  if (response.status === 503) return "503";
  if (response.status === 429) return "429";
  expect(response.status).toBe(200);
  try {
    JSON.parse(await response.text());
    return "ok";
  } catch {
    return "malformed";
  }
}

const RATES = { "503": 0.1, "429": 0.05, reset: 0.05, malformed: 0.1 } as const;

describe("fault injection", () => {
  it("injects each kind at about its rate, repeatably for a seed, and counts them", async () => {
    const runs: Outcome[][] = [];
    for (const attempt of [0, 1]) {
      const { emulator } = emulatorAt({ seed: 42, faults: { rates: { retrieve: { ...RATES } } } });
      const id = await createRun(emulator);
      const outcomes: Outcome[] = [];
      for (let i = 0; i < 2000; i++) outcomes.push(await retrieveOutcome(emulator, id));
      runs[attempt] = outcomes;

      const counts = Object.fromEntries(
        (["503", "429", "reset", "malformed", "ok"] as const).map((k) => [
          k,
          outcomes.filter((o) => o === k).length,
        ]),
      );
      const n = outcomes.length;
      for (const [kind, rate] of Object.entries(RATES)) {
        // Within four standard deviations of the expected count.
        const sd = Math.sqrt(n * rate * (1 - rate));
        expect(Math.abs((counts[kind] ?? 0) - n * rate)).toBeLessThan(4 * sd);
      }
      expect(emulator.faultStats()).toEqual({
        requests: { create: 1, retrieve: n, cancel: 0 },
        injected: {
          "retrieve:503": counts["503"],
          "retrieve:429": counts["429"],
          "retrieve:reset": counts.reset,
          "retrieve:malformed": counts.malformed,
        },
      });
    }
    // The same seed gives the same faults on the same requests, so a failing soak can be re-run.
    expect(runs[1]).toEqual(runs[0]);

    const { emulator: other } = emulatorAt({ seed: 43, faults: { rates: { retrieve: { ...RATES } } } });
    const id = await createRun(other);
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 200; i++) outcomes.push(await retrieveOutcome(other, id));
    expect(outcomes).not.toEqual(runs[0]?.slice(0, 200));
  }, 30_000);

  it("answers 429 with a Retry-After in seconds, and 503 with a server_error body", async () => {
    const { emulator } = emulatorAt({
      flavor: "openai",
      faults: { rates: { retrieve: { "429": 1 } }, retryAfterSeconds: 3 },
    });
    const id = await createRun(emulator);
    const limited = await emulator.fetch(`${BASE}/${id}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(await limited.json()).toMatchObject({ error: { code: "rate_limit_exceeded" } });

    const unavailable = await emulator.fetch(`${BASE}/${id}`, { headers: { [FAULTS_HEADER]: "503=1" } });
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toMatchObject({ error: { type: "server_error" } });

    const databricks = emulatorAt({ faults: { rates: { retrieve: { "503": 1 } } } }).emulator;
    const unavailableThere = await databricks.fetch(`${BASE}/${await createRun(databricks)}`);
    expect(await unavailableThere.json()).toMatchObject({ error_code: "TEMPORARILY_UNAVAILABLE" });
  });

  it("surfaces each kind through the real openai SDK as the error a client must handle", async () => {
    const { emulator } = emulatorAt({});
    const client = new OpenAI({
      baseURL: "http://emulator.local/v1",
      apiKey: "x",
      fetch: emulator.fetch,
      maxRetries: 0,
    });
    const { id } = await client.responses.create({ model: "m", input: "Hi", background: true });
    const retrieveWith = (faults: string) =>
      client.responses.retrieve(id, undefined, { headers: { [FAULTS_HEADER]: faults } });

    await expect(retrieveWith("reset=1")).rejects.toBeInstanceOf(APIConnectionError);
    const limited = await retrieveWith("429=1").catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).headers?.get("retry-after")).toBe("1");
    await expect(retrieveWith("503=1")).rejects.toBeInstanceOf(InternalServerError);
    await expect(retrieveWith("malformed=1")).rejects.toBeInstanceOf(SyntaxError);
    await expect(retrieveWith("none")).resolves.toMatchObject({ id, status: "queued" });
  });

  it("never changes a stored response: failed retrieves and cancels leave the run as the clock has it", async () => {
    const faulty = emulatorAt({
      seed: 7,
      faults: { rates: { retrieve: { ...RATES, slow: 0.1 }, cancel: { ...RATES } }, slowMs: 5 },
    });
    const clean = emulatorAt({});
    const question = "Run a multi-step analysis of the sales data";
    const ids = [await createRun(faulty.emulator, question), await createRun(clean.emulator, question)];
    const view = async (emulator: Emulator, id: string) => {
      const response = await emulator.fetch(`${BASE}/${id}`, { headers: { [FAULTS_HEADER]: "none" } });
      const { id: _id, output, ...rest } = (await response.json()) as { id: string; output: unknown[] };
      // Item ids embed the response id, so compare everything else.
      return {
        ...rest,
        output: JSON.parse(JSON.stringify(output).replaceAll(/_[0-9a-f]{28}/g, "_ID")) as unknown,
      };
    };
    for (let step = 0; step < 12; step++) {
      for (let i = 0; i < 20; i++) {
        await retrieveOutcome(faulty.emulator, ids[0] as string);
        // A cancel that fails must not cancel; one that gets through would, so only failing ones are sent.
        await faulty.emulator
          .fetch(`${BASE}/${ids[0]}/cancel`, {
            method: "POST",
            headers: { [FAULTS_HEADER]: "503=0.5,429=0.5" },
          })
          .then((r) => expect([429, 503]).toContain(r.status));
      }
      expect(await view(faulty.emulator, ids[0] as string)).toEqual(
        await view(clean.emulator, ids[1] as string),
      );
      faulty.advance(2_000);
      clean.advance(2_000);
    }
    const final = await view(faulty.emulator, ids[0] as string);
    expect(final).toMatchObject({ status: "completed" });
    expect((final.output as unknown[]).length).toBe(7);
    expect(faulty.emulator.faultStats().injected["retrieve:reset"]).toBeGreaterThan(0);
  });

  it("never faults create unless asked, and a failed create creates nothing", async () => {
    const onlyRetrieve = emulatorAt({ faults: { rates: { retrieve: { "503": 1 } } } }).emulator;
    for (let i = 0; i < 20; i++) await createRun(onlyRetrieve);
    expect(onlyRetrieve.inspect()).toHaveLength(20);

    const { emulator } = emulatorAt({
      faults: { rates: { create: { "503": 0.25, reset: 0.25, malformed: 0.25 } } },
    });
    let created = 0;
    for (let i = 0; i < 200; i++) {
      const response = await emulator
        .fetch(BASE, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "m", input: `Question ${i}`, background: true }),
        })
        .catch(() => undefined);
      const body = response?.status === 200 ? await response.text() : "";
      if (body && !body.includes("resp_emulated_malformed")) created += 1;
    }
    expect(created).toBeGreaterThan(0);
    expect(emulator.inspect()).toHaveLength(created);
  });

  it("applies a scenario's rates to that scenario's runs only", async () => {
    const { emulator } = emulatorAt({ faults: { scenarios: { plain: { retrieve: { "503": 1 } } } } });
    const plain = await createRun(emulator, "Hello there");
    const analysis = await createRun(emulator, "Run a multi-step analysis of the sales data");
    expect(await retrieveOutcome(emulator, plain)).toBe("503");
    expect(await retrieveOutcome(emulator, analysis)).toBe("ok");
  });

  it("lets one request replace the configured faults with its own header", async () => {
    const { emulator } = emulatorAt({ faults: { rates: { retrieve: { "503": 1 } } } });
    const id = await createRun(emulator);
    expect(await retrieveOutcome(emulator, id, { [FAULTS_HEADER]: "none" })).toBe("ok");
    expect(await retrieveOutcome(emulator, id, { [FAULTS_HEADER]: "reset=1" })).toBe("reset");
    expect(await retrieveOutcome(emulator, id, { [FAULTS_HEADER]: "retrieve:malformed=1" })).toBe(
      "malformed",
    );
    // A header the emulator cannot read turns faults off rather than failing the request.
    expect(await retrieveOutcome(emulator, id, { [FAULTS_HEADER]: "gibberish" })).toBe("ok");
  });

  it("adds latency and trickles slow answers in real time", async () => {
    const { emulator } = emulatorAt({
      latency: { minMs: 40, maxMs: 60 },
      faults: { rates: { retrieve: { slow: 1 } }, slowMs: 200 },
    });
    let started = performance.now();
    const id = await createRun(emulator);
    expect(performance.now() - started).toBeGreaterThanOrEqual(38);

    started = performance.now();
    const response = await emulator.fetch(`${BASE}/${id}`);
    expect(response.status).toBe(200);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(chunks.length).toBeGreaterThan(1);
    const text = Buffer.concat(chunks).toString("utf8");
    expect(JSON.parse(text)).toMatchObject({ id, status: "queued" });
    expect(emulator.faultStats().injected).toEqual({ "retrieve:slow": 1 });
  });
});

describe("fault injection over HTTP", () => {
  let server: EmulatorServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("destroys the socket on a reset (a network error through the SDK) and trickles slow bodies", async () => {
    server = await startEmulatorServer({
      port: 0,
      options: { token: "tok", faults: { rates: { retrieve: { reset: 1 } }, slowMs: 150 } },
    });
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "tok", maxRetries: 0 });
    const { id } = await client.responses.create({ model: "m", input: "Hi", background: true });
    const error = await client.responses.retrieve(id).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);

    const started = performance.now();
    const slow = await client.responses.retrieve(id, undefined, { headers: { [FAULTS_HEADER]: "slow=1" } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(asWire(slow)).toMatchObject({ id, object: "response" });
    expect(server.emulator.faultStats().injected).toEqual({ "retrieve:reset": 1, "retrieve:slow": 1 });
  });

  it("keeps serving when a client gives up on a slow answer half way", async () => {
    server = await startEmulatorServer({
      port: 0,
      options: { faults: { rates: { retrieve: { slow: 1 } }, slowMs: 400 } },
    });
    const base = `${server.url}/v1/responses`;
    const created = await fetch(base, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", input: "Hi", background: true }),
    });
    const { id } = (await created.json()) as { id: string };
    const response = await fetch(`${base}/${id}`, { signal: AbortSignal.timeout(100) });
    await expect(response.text()).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const again = await fetch(`${base}/${id}`, { headers: { [FAULTS_HEADER]: "none" } });
    expect(((await again.json()) as { id: string }).id).toBe(id);
  });
});

describe("fault settings", () => {
  it("parses rules, with scenario qualifiers, and refuses create rules without an operation", () => {
    expect(
      parseFaultRules("retrieve:503=0.1, retrieve:RESET=0.05,cancel:429=1,retrieve@multi-step:slow=0.5", "X"),
    ).toEqual({
      rates: { retrieve: { "503": 0.1, reset: 0.05 }, cancel: { "429": 1 } },
      scenarios: { "multi-step": { retrieve: { slow: 0.5 } } },
    });
    expect(() => parseFaultRules("503=0.1", "EMULATOR_FAULTS")).toThrow(/needs an operation/);
    expect(() => parseFaultRules("retrieve:boom=0.1", "EMULATOR_FAULTS")).toThrow(/unknown fault kind/);
    expect(() => parseFaultRules("retrieve:503=2", "EMULATOR_FAULTS")).toThrow(/between 0 and 1/);
    expect(parseLatency("50-200", "L")).toEqual({ minMs: 50, maxMs: 200 });
    expect(parseLatency("75", "L")).toEqual({ minMs: 75, maxMs: 75 });
    expect(() => parseLatency("200-50", "L")).toThrow(/MIN-MAX/);
  });

  it("refuses rates that add up to more than 1", () => {
    expect(() => createEmulator({ faults: { rates: { retrieve: { "503": 0.6, reset: 0.6 } } } })).toThrow(
      /more than 1/,
    );
  });

  it("draws the same numbers for the same seed", () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const draws = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(draws);
    for (const x of draws) expect(x >= 0 && x < 1).toBe(true);
  });

  it("keeps the run going through the SDK helper while faults are off", async () => {
    const { create, retrieve, advance } = setup({ faults: { rates: { retrieve: { "503": 0 } } } });
    const { id } = await create({ model: "m", input: "Hi", background: true });
    advance(10_000);
    expect((await retrieve(id)).status).toBe("completed");
  });
});
