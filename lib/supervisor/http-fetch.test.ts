import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpFetch } from "./http-fetch";

const noFallback: typeof fetch = async () => {
  throw new Error("the fallback fetch was used");
};
const httpFetch = createHttpFetch(noFallback);

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

async function serve(handle: (request: IncomingMessage, body: string, response: ServerResponse) => void) {
  server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      body += chunk;
    });
    request.on("end", () => handle(request, body, response));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the upstream fetch on Node's HTTP client", () => {
  it("sends the method, headers and body, and answers with status, headers and JSON", async () => {
    const base = await serve((request, body, response) => {
      response.writeHead(201, { "content-type": "application/json", "x-request-id": "req_1" });
      response.end(
        JSON.stringify({
          method: request.method,
          auth: request.headers.authorization,
          body,
          url: request.url,
        }),
      );
    });
    const answer = await httpFetch(`${base}/v1/responses?x=1`, {
      method: "POST",
      headers: new Headers({ authorization: "Bearer t", "content-type": "application/json" }),
      body: JSON.stringify({ input: "hi" }),
    });
    expect(answer.status).toBe(201);
    expect(answer.ok).toBe(true);
    expect(answer.headers.get("x-request-id")).toBe("req_1");
    expect(await answer.json()).toEqual({
      method: "POST",
      auth: "Bearer t",
      body: '{"input":"hi"}',
      url: "/v1/responses?x=1",
    });
  });

  it("sends a form body with its content type (the OAuth token exchange)", async () => {
    const base = await serve((request, body, response) => {
      response.end(JSON.stringify({ type: request.headers["content-type"], body }));
    });
    const answer = await httpFetch(`${base}/oidc/v1/token`, {
      method: "POST",
      headers: { authorization: "Basic abc" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: "all-apis" }),
    });
    expect(await answer.json()).toEqual({
      type: "application/x-www-form-urlencoded;charset=UTF-8",
      body: "grant_type=client_credentials&scope=all-apis",
    });
  });

  it("answers a 204 with no body, and an error status as a response, not a rejection", async () => {
    const base = await serve((request, _body, response) => {
      response.statusCode = request.url === "/empty" ? 204 : 429;
      if (response.statusCode === 429) response.setHeader("retry-after", "3");
      response.end(response.statusCode === 429 ? '{"error":{"message":"slow down"}}' : undefined);
    });
    const empty = await httpFetch(`${base}/empty`, { method: "DELETE" });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const limited = await httpFetch(`${base}/limited`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    expect(await limited.text()).toContain("slow down");
  });

  it("hands over a streamed answer as it arrives (server-sent events)", async () => {
    let sendSecond: () => void = () => undefined;
    const base = await serve((_request, _body, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: one\n\n");
      sendSecond = () => response.end("data: two\n\n");
    });
    const answer = await httpFetch(`${base}/stream`);
    const reader = (answer.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // The first event is readable while the server still holds the second back.
    expect(decoder.decode((await reader.read()).value)).toBe("data: one\n\n");
    sendSecond();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
      rest += decoder.decode(chunk.value);
    expect(rest).toBe("data: two\n\n");
  });

  it("rejects with the signal's reason when the caller aborts, and closes the connection", async () => {
    let closed = false;
    const base = await serve((request) => {
      request.socket.on("close", () => {
        closed = true;
      });
      // Never answers.
    });
    const controller = new AbortController();
    const pending = httpFetch(`${base}/slow`, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: "AbortError" });
    await expect.poll(() => closed).toBe(true);

    const stopped = new AbortController();
    const again = httpFetch(`${base}/slow`, { signal: stopped.signal });
    stopped.abort("cancelled");
    await expect(again).rejects.toBe("cancelled");
  });

  it("rejects like fetch (a TypeError with the cause) when nothing listens", async () => {
    const base = await serve(() => undefined);
    server?.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const failure = await httpFetch(`${base}/v1/responses`).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect((failure as TypeError).cause).toMatchObject({ code: "ECONNREFUSED" });
  });

  it("decodes an answer the server compressed", async () => {
    const base = await serve((_request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      response.end(gzipSync(JSON.stringify({ status: "completed" })));
    });
    const answer = await httpFetch(`${base}/v1/responses/r1`);
    expect(answer.headers.get("content-encoding")).toBeNull();
    expect(await answer.json()).toEqual({ status: "completed" });
  });

  it("hands over a JSON answer whole, readable once as fetch's is, by text, bytes, stream or a clone", async () => {
    const json = JSON.stringify({ id: "resp_1", status: "in_progress", text: "ünïcödé ".repeat(2000) });
    const base = await serve((_request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      // In pieces, as a long answer comes off the network.
      response.write(json.slice(0, 100));
      setTimeout(() => response.end(json.slice(100)), 20);
    });
    const answer = await httpFetch(`${base}/v1/responses/resp_1`);
    expect(answer.bodyUsed).toBe(false);
    expect(await answer.text()).toBe(json);
    expect(answer.bodyUsed).toBe(true);
    await expect(answer.text()).rejects.toBeInstanceOf(TypeError);
    expect(() => answer.clone()).toThrow(TypeError);

    const cloned = await httpFetch(`${base}/v1/responses/resp_1`);
    const copy = cloned.clone();
    expect(await cloned.json()).toEqual(JSON.parse(json));
    expect(new TextDecoder().decode(await copy.bytes())).toBe(json);

    const streamed = await httpFetch(`${base}/v1/responses/resp_1`);
    expect(await new Response(streamed.body).text()).toBe(json);
    expect(streamed.bodyUsed).toBe(true);
  });

  it("rejects a JSON answer cut off mid-way (a TypeError), or the signal's reason when the caller aborts it", async () => {
    const base = await serve((request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
      response.write('{"id":"resp_1",');
      if (request.url === "/cut") setTimeout(() => response.socket?.destroy(), 20);
    });
    const cut = await httpFetch(`${base}/cut`).catch((error: unknown) => error);
    expect(cut).toBeInstanceOf(TypeError);

    const controller = new AbortController();
    const pending = httpFetch(`${base}/hang`, { signal: controller.signal });
    setTimeout(() => controller.abort("stopped"), 50);
    await expect(pending).rejects.toBe("stopped");
  });

  it("keeps the connection open between calls, as a run's retrieves every 2 s need", async () => {
    const base = await serve((_request, _body, response) => response.end("{}"));
    let connections = 0;
    server?.on("connection", () => {
      connections += 1;
    });
    for (let i = 0; i < 3; i++) await (await httpFetch(`${base}/v1/responses/r1`)).json();
    expect(connections).toBe(1);
  });

  it("closes a connection left unused past the idle time, but never one whose answer is still coming", async () => {
    const quickToClose = createHttpFetch(noFallback, 200);
    let sendRest: () => void = () => undefined;
    const base = await serve((request, _body, response) => {
      if (request.url !== "/stream") return void response.end("{}");
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: one\n\n");
      sendRest = () => response.end("data: two\n\n");
    });
    let opened = 0;
    let closed = 0;
    server?.on("connection", (socket) => {
      opened += 1;
      socket.on("close", () => {
        closed += 1;
      });
    });
    const streamed = await quickToClose(`${base}/stream`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    sendRest();
    expect(await streamed.text()).toBe("data: one\n\ndata: two\n\n");
    await (await quickToClose(`${base}/v1/responses/r1`)).json();
    expect(closed).toBe(0);
    await expect.poll(() => closed, { timeout: 2_000 }).toBe(1);
    expect(opened).toBe(1);
  });

  it("leaves a body kind it does not cover (a web stream) to the fallback fetch", async () => {
    const used: string[] = [];
    const withFallback = createHttpFetch(async (input) => {
      used.push(String(input));
      return new Response("from the fallback");
    });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("x"));
        controller.close();
      },
    });
    const answer = await withFallback("http://127.0.0.1:9/upload", { method: "POST", body });
    expect(await answer.text()).toBe("from the fallback");
    expect(used).toEqual(["http://127.0.0.1:9/upload"]);
  });
});
