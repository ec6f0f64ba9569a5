import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorServer, startEmulatorServer } from "./server";

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
});
