import { describe, expect, it } from "vitest";
import { FAULTS_HEADER } from "../faults";
import { type AgentFrame, agentSetup, parseFrames, readStored } from "./test-harness";

const fault = (rules: string) => ({ [FAULTS_HEADER]: rules });

describe("databricks-agent: injected faults", () => {
  it("answers 503 and 429 (with retry-after) as {detail}; a faulted create, malformed included, creates nothing", async () => {
    const { post, emulator } = agentSetup({ faults: { retryAfterSeconds: 3 } });
    const body = { input: [{ role: "user", content: "Hello" }], background: true };
    const unavailable = await post("/responses", body, fault("create:503=1"));
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toEqual({ detail: expect.stringContaining("temporarily unavailable") });
    const limited = await post("/responses", body, fault("create:429=1"));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(await limited.json()).toEqual({ detail: expect.any(String) });
    const cut = await post("/responses", body, fault("create:malformed=1"));
    expect(cut.status).toBe(200);
    await expect(cut.json()).rejects.toThrow();
    expect(emulator.inspect()).toEqual([]);
    expect(emulator.faultStats()).toEqual({
      requests: { create: 3, retrieve: 0, cancel: 0 },
      injected: { "create:503": 1, "create:429": 1, "create:malformed": 1 },
    });
  });

  it("drops the connection for a reset, and counts a stream GET as a retrieve", async () => {
    const { ask, get, emulator } = agentSetup();
    const { id } = (await (await ask("Hello", { background: true })).json()) as { id: string };
    const error = await get(`/responses/${id}?stream=true`, fault("reset=1")).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ name: "TypeError", message: "fetch failed" });
    expect(emulator.faultStats()).toEqual({
      requests: { create: 1, retrieve: 1, cancel: 0 },
      injected: { "retrieve:reset": 1 },
    });
  });

  it("cuts a stream after two writes for a malformed retrieve; a resume after the last frame completes it", async () => {
    const { ask, get, advance } = agentSetup();
    const created = await ask("Write a long report", { background: true, stream: true });
    advance(600);
    const head = parseFrames(new TextDecoder().decode((await created.body?.getReader().read())?.value));
    const id = (head[0] as AgentFrame).response_id;

    const response = await get(`/responses/${id}?stream=true`, fault("malformed=1"));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    const error = await (async () => {
      for (;;) {
        advance(200); // so that every read has new rows
        const chunk = await reader.read();
        if (chunk.done) return "ended";
        text += new TextDecoder().decode(chunk.value);
      }
    })().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ message: "fetch failed" });
    const received = parseFrames(text) as AgentFrame[];
    expect(received.length).toBeGreaterThan(2);
    expect(received.map((frame) => frame.type)).not.toContain("response.completed");

    advance(60_000);
    const last = received.at(-1)?.sequence_number as number;
    const rest = await readStored(await get(`/responses/${id}?stream=true&starting_after=${last}`));
    const all = await readStored(await get(`/responses/${id}?stream=true`));
    expect([...received, ...rest.frames]).toEqual(all.frames);
    expect(rest.done).toBe(true);
  });

  it("serves a stream whole for a slow fault, and trickles a JSON answer", async () => {
    const { ask, get, advance } = agentSetup({ faults: { slowMs: 40 } });
    const { id } = (await (await ask("Hello there", { background: true })).json()) as { id: string };
    advance(60_000);
    const slowJson = await get(`/responses/${id}`, fault("slow=1"));
    expect(await slowJson.json()).toMatchObject({ id, status: "completed" });
    const { done } = await readStored(await get(`/responses/${id}?stream=true`, fault("slow=1")));
    expect(done).toBe(true);
  });
});
