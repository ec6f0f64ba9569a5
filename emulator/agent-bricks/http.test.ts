import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorServer, startEmulatorServer } from "../server";
import { START_MS } from "../test-helpers";
import type { EmulatorOptions } from "../types";
import { newId, parseFrames, SESSION, turn } from "./test-helpers";

let server: EmulatorServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(options: EmulatorOptions = {}) {
  let now = START_MS;
  server = await startEmulatorServer({
    port: 0,
    options: { flavor: "agent-bricks", now: () => now, seed: 3, ...options },
  });
  return {
    url: server.url,
    emulator: server.emulator,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const json = { "content-type": "application/json", "x-databricks-session-id": SESSION };

describe("agent-bricks over real HTTP", () => {
  it("create, status and the event stream round-trip with the session header", async () => {
    const { url, advance } = await serve();
    const id = newId();
    const created = await fetch(`${url}/api/invocations`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ id, input: turn("Hello over HTTP"), background: true, stream: true }),
    });
    expect(created.status).toBe(202);
    const { events_url } = (await created.json()) as { events_url: string };
    advance(10_000);
    const stream = await fetch(`${url}${events_url}`);
    const frames = parseFrames(await stream.text());
    expect(frames[0]?.event).toBe("run.started");
    expect(frames.at(-1)?.event).toBe("run.completed");
  });

  it("has no cancel: POST …/cancel is 404 and DELETE is 405, as Starlette's routing answers", async () => {
    const { url } = await serve();
    const id = newId();
    const cancel = await fetch(`${url}/api/invocations/${id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(404);
    expect(await cancel.json()).toEqual({ detail: "Not Found" });
    const remove = await fetch(`${url}/api/invocations/${id}`, { method: "DELETE" });
    expect(remove.status).toBe(405);
    expect(await remove.json()).toEqual({ detail: "Method Not Allowed" });
    const elsewhere = await fetch(`${url}/api/responses`, { method: "POST" });
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toEqual({ detail: "Not Found" });
  });

  it("the Apps proxy redirects a request without an accepted token to the workspace sign-in (302, empty body)", async () => {
    const { url, emulator } = await serve({ token: "app-token" });
    const status = `${url}/api/invocations/${newId()}`;
    for (const headers of [{}, { authorization: "Bearer wrong" }] as Array<Record<string, string>>) {
      const refused = await fetch(status, { headers, redirect: "manual" });
      expect(refused.status).toBe(302);
      expect(refused.headers.get("location")).toMatch(
        new RegExp(`^${url.replace(/[.]/g, "\\.")}/oidc/oauth2/v2\\.0/authorize\\?`),
      );
      expect(await refused.text()).toBe("");
    }
    // A client that follows it ends on the sign-in page (HTML), not on the API.
    const followed = await fetch(status);
    expect(followed.status).toBe(200);
    expect(followed.headers.get("content-type")).toMatch(/^text\/html/);

    const allowed = await fetch(status, { headers: { authorization: "Bearer app-token" } });
    expect(allowed.status).toBe(404);
    expect(emulator.faultStats().requests.retrieve).toBe(1);
  });

  it("streamCutMs drops every event stream that long after it opened, without a terminal event", async () => {
    const { url, advance, emulator } = await serve({ faults: { streamCutMs: 300 } });
    const id = newId();
    await fetch(`${url}/api/invocations`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ id, input: turn("Hello"), background: true }),
    });
    advance(1_000);
    const opened = Date.now();
    const stream = await fetch(`${url}/api/invocations/${id}/events`);
    expect(stream.status).toBe(200);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    await expect(
      (async () => {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
          text += decoder.decode(chunk.value);
      })(),
    ).rejects.toThrow();
    expect(Date.now() - opened).toBeGreaterThanOrEqual(250);
    expect(parseFrames(text).map((frame) => frame.event)).toEqual(["run.started"]);
    expect(emulator.openStreams()).toBe(0);
  });
});
