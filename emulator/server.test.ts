import { afterEach, describe, expect, it, vi } from "vitest";
import { type EmulatorRequestRecord, type EmulatorServer, startEmulatorServer } from "./server";

let server: EmulatorServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("standalone HTTP server", () => {
  it("serves create, retrieve and cancel over real HTTP", async () => {
    let now = 1_750_000_000_000;
    server = await startEmulatorServer({ port: 0, options: { token: "tok", now: () => now } });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const headers = { authorization: "Bearer tok", "content-type": "application/json" };
    const base = `${server.url}/ai-gateway/mlflow/v1/responses`;

    const created = await fetch(base, {
      method: "POST",
      headers,
      body: JSON.stringify({ model: "m", input: "Hello over HTTP", background: true }),
    });
    expect(created.status).toBe(200);
    expect(created.headers.get("content-type")).toBe("application/json");
    const { id, status } = (await created.json()) as { id: string; status: string };
    expect(status).toBe("queued");

    now += 1_500;
    const running = await fetch(`${base}/${id}`, { headers });
    expect(((await running.json()) as { status: string }).status).toBe("in_progress");

    const cancelled = await fetch(`${base}/${id}/cancel`, { method: "POST", headers });
    expect(((await cancelled.json()) as { status: string }).status).toBe("cancelled");

    const unauthorized = await fetch(`${base}/${id}`);
    expect(unauthorized.status).toBe(401);
  });

  it("reports each request to onRequest as it arrives: method, path without query, time, credential kind; no body or token", async () => {
    let now = 1_750_000_000_000;
    const seen: EmulatorRequestRecord[] = [];
    server = await startEmulatorServer({
      port: 0,
      options: { token: "secret-tok", now: () => now },
      onRequest: (request) => seen.push(request),
    });
    const headers = { authorization: "Bearer secret-tok", "content-type": "application/json" };
    const base = `${server.url}/ai-gateway/mlflow/v1/responses`;

    const created = await fetch(base, {
      method: "POST",
      headers,
      body: JSON.stringify({ model: "m", input: "Hello, hook", background: true }),
    });
    const { id } = (await created.json()) as { id: string };
    now += 250;
    await fetch(`${base}/${id}?include=x`, { headers });
    now += 250;
    await fetch(`${base}/${id}/cancel`, { method: "POST", headers });
    // Refused requests are reported too: the hook sees what clients asked for, not only what succeeded.
    await fetch(`${base}/${id}`);

    expect(seen).toEqual([
      { method: "POST", path: "/ai-gateway/mlflow/v1/responses", at: 1_750_000_000_000, credential: "token" },
      {
        method: "GET",
        path: `/ai-gateway/mlflow/v1/responses/${id}`,
        at: 1_750_000_000_250,
        credential: "token",
      },
      {
        method: "POST",
        path: `/ai-gateway/mlflow/v1/responses/${id}/cancel`,
        at: 1_750_000_000_500,
        credential: "token",
      },
      {
        method: "GET",
        path: `/ai-gateway/mlflow/v1/responses/${id}`,
        at: 1_750_000_000_500,
        credential: "none",
      },
    ]);
    expect(JSON.stringify(seen)).not.toMatch(/secret-tok|Hello, hook/);
  });

  it("answers 500 and keeps serving when the onRequest hook throws", async () => {
    let calls = 0;
    server = await startEmulatorServer({
      port: 0,
      onRequest: () => {
        calls += 1;
        if (calls === 1) throw new Error("hook failed");
      },
    });
    const url = `${server.url}/ai-gateway/mlflow/v1/responses/resp_missing`;
    expect((await fetch(url)).status).toBe(500);
    expect((await fetch(url)).status).toBe(404);
  });

  it("streams a background response over real HTTP as its events happen, and stops when the client hangs up", async () => {
    let now = 1_750_000_000_000;
    server = await startEmulatorServer({ port: 0, options: { flavor: "openai", now: () => now } });
    const post = (input: string, signal?: AbortSignal) =>
      fetch(`${server?.url}/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", input, background: true, stream: true }),
        signal,
      });

    const created = await post("Hello over SSE");
    expect(created.status).toBe(200);
    expect(created.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const reader = (created.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The clock has not moved: only the opening events exist, and they arrive without waiting for the rest.
    const first = decoder.decode((await reader.read()).value);
    expect(first).toMatch(/^event: response\.created\ndata: /);
    expect(first).not.toMatch(/response\.completed/);

    now += 60_000;
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += decoder.decode(chunk.value, { stream: true });
    }
    expect(rest).toMatch(/event: response\.output_text\.delta\n/);
    expect(rest.trimEnd()).toMatch(/event: response\.completed\ndata: .*"status":"completed".*}$/);
    const { id } = JSON.parse(first.split("\n")[1]?.slice("data: ".length) ?? "{}").response as {
      id: string;
    };
    const resumed = await fetch(`${server.url}/v1/responses/${id}?stream=true&starting_after=1`);
    expect(await resumed.text()).toBe(rest);

    const hangUp = new AbortController();
    const open = await post("Write a long report", hangUp.signal);
    await (open.body as ReadableStream<Uint8Array>).getReader().read();
    expect(server.emulator.openStreams()).toBe(1);
    hangUp.abort();
    await vi.waitFor(() => expect(server?.emulator.openStreams()).toBe(0));
  });

  it("drops the connection mid-stream for a malformed fault on a stream", async () => {
    let now = 1_750_000_000_000;
    server = await startEmulatorServer({ port: 0, options: { flavor: "openai", now: () => now } });
    const created = await fetch(`${server.url}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-emulator-faults": "create:malformed=1" },
      body: JSON.stringify({ model: "m", input: "Hello over SSE", background: true, stream: true }),
    });
    expect(created.status).toBe(200);
    const reader = (created.body as ReadableStream<Uint8Array>).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^event: response\.created/);
    now += 1_500; // the run is under way, not finished: the second send is not the last
    // What was in flight when the socket closed may be lost with it; the stream ends in an error, never completed.
    let rest = "";
    const error = await (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        rest += new TextDecoder().decode(chunk.value);
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(rest).not.toMatch(/response\.completed/);
    await vi.waitFor(() => expect(server?.emulator.openStreams()).toBe(0));
  });
});
