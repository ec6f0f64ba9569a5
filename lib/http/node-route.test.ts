import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { nodeRoute, type WebHandler } from "./node-route";

// The adapter behind the Pages API routes, on a real Node HTTP server (as Next hands it `req` and `res`).
let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/**
 * Serve `handle` as Next would (the dynamic segments in `req.query`); `before` runs on each request first, as
 * Next's own request handling does. `handled` gets the promise the route function returned.
 */
async function serve(
  handle: ReturnType<typeof nodeRoute<{ id: string }>>,
  {
    before,
    handled,
  }: { before?: (req: IncomingMessage) => void; handled?: (done: Promise<void>) => void } = {},
) {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    before?.(req);
    const done = handle(Object.assign(req, { query: { id: "chat-1" } }), res);
    handled?.(done);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A route serving one method (a computed key: Biome reads `GET: () => …` as a React component). */
const route = (method: "GET" | "POST", handler: WebHandler<{ id: string }>) =>
  nodeRoute<{ id: string }>({ [method]: handler });

describe("nodeRoute", () => {
  it("gives the handler the method, headers, body, URL and params, and answers with its response", async () => {
    const seen: Record<string, unknown> = {};
    const base = await serve(
      route("POST", async (req, { params }) => {
        Object.assign(seen, {
          url: req.url,
          cookie: req.headers.get("cookie"),
          body: await req.json(),
          id: (await params).id,
        });
        const response = Response.json({ ok: true }, { status: 201 });
        response.headers.append("set-cookie", "a=1; Path=/");
        response.headers.append("set-cookie", "b=2; Path=/");
        return response;
      }),
    );
    const response = await fetch(`${base}/api/chat/chat-1/x?speed=slow`, {
      method: "POST",
      headers: { cookie: "s=abc", "content-type": "application/json" },
      body: JSON.stringify({ hello: "world" }),
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: true });
    expect(response.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(seen).toEqual({
      url: expect.stringMatching(/\/api\/chat\/chat-1\/x\?speed=slow$/),
      cookie: "s=abc",
      body: { hello: "world" },
      id: "chat-1",
    });
  });

  it("sees request headers as Next's proxy rewrote them (a session cookie issued on this very request)", async () => {
    let cookie: string | null = null;
    const handle = route("GET", (req) => {
      cookie = req.headers.get("cookie");
      return new Response(null, { status: 204 });
    });
    const base = await serve(handle, {
      // What Next does with `NextResponse.next({ request: { headers } })`: it rewrites `req.headers` only.
      before: (req) => {
        req.headers.cookie = "bac_session=issued-by-the-proxy";
      },
    });
    const response = await fetch(base);
    expect(response.status).toBe(204);
    expect(cookie).toBe("bac_session=issued-by-the-proxy");
  });

  it("sends each chunk of a streamed body as it is produced, not when the body ends", async () => {
    let push: ((text: string) => void) | undefined;
    let finish: (() => void) | undefined;
    const base = await serve(
      route(
        "GET",
        () =>
          new Response(
            new ReadableStream<Uint8Array>({
              start(controller) {
                push = (text) => controller.enqueue(new TextEncoder().encode(text));
                finish = () => controller.close();
                push("data: first\n\n");
              },
            }),
            { headers: { "content-type": "text/event-stream" } },
          ),
      ),
    );
    const response = await fetch(base);
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe("data: first\n\n");
    push?.("data: second\n\n");
    expect(decoder.decode((await reader.read()).value)).toBe("data: second\n\n");
    finish?.();
    expect((await reader.read()).done).toBe(true);
  });

  it("is done with the request once the handler answered, while the body streams on", async () => {
    // Next keeps everything it made for a request until the API route's function resolves.
    let finish: (() => void) | undefined;
    const handle = route(
      "GET",
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode("data: hi\n\n"));
              finish = () => controller.close();
            },
          }),
        ),
    );
    let resolved = false;
    const base = await serve(handle, {
      handled: (done) =>
        void done.then(() => {
          resolved = true;
        }),
    });
    const response = await fetch(base);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    await vi.waitFor(() => expect(resolved).toBe(true));
    finish?.();
    expect((await reader.read()).done).toBe(true);
  });

  it("when the browser goes away mid-stream, aborts the request's signal and cancels the body", async () => {
    const cancelled = vi.fn();
    let signal: AbortSignal | undefined;
    const base = await serve(
      route("GET", (req) => {
        signal = req.signal;
        return new Response(
          new ReadableStream<Uint8Array>({
            start: (controller) => controller.enqueue(new TextEncoder().encode("data: hi\n\n")),
            cancel: cancelled,
          }),
        );
      }),
    );
    await new Promise<void>((resolve) => {
      const req = request(base, (res) =>
        res.once("data", () => {
          req.destroy();
          resolve();
        }),
      );
      req.end();
    });
    await vi.waitFor(() => expect(cancelled).toHaveBeenCalled());
    expect(signal?.aborted).toBe(true);
  });

  it("does not abort the request's signal after a response that ended normally", async () => {
    let signal: AbortSignal | undefined;
    const base = await serve(
      route("GET", (req) => {
        signal = req.signal;
        return new Response("done");
      }),
    );
    expect(await (await fetch(base)).text()).toBe("done");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(signal?.aborted).toBe(false);
  });

  it("refuses a method the route does not serve with a 405 in the one error shape, naming the allowed ones", async () => {
    const base = await serve(route("POST", () => new Response("never")));
    const response = await fetch(base, { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toEqual({
      error: { code: "method_not_allowed", message: "This endpoint takes POST only." },
    });
  });

  it("answers a handler that throws with a 500 that does not show the error", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const base = await serve(
      route("GET", () => {
        throw new Error("database password is hunter2");
      }),
    );
    const response = await fetch(base);
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(JSON.parse(body).error.code).toBe("internal_error");
    expect(body).not.toContain("hunter2");
    log.mockRestore();
  });
});
