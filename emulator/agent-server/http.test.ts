import { afterEach, describe, expect, it, vi } from "vitest";
import { type EmulatorServer, startEmulatorServer } from "../server";
import type { JsonObject } from "../types";
import { type AgentFrame, agentSetup, parseFrames, readStored, userSays } from "./test-harness";

let server: EmulatorServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const json = { "content-type": "application/json" };

describe("databricks-agent over real HTTP", () => {
  it("cuts every stream streamCutMs after it opened, as the Apps proxy does; a resume gets the rest and [DONE]", async () => {
    server = await startEmulatorServer({
      port: 0,
      options: { flavor: "databricks-agent", timeScale: 0.5, faults: { streamCutMs: 300 } },
    });
    const opened = Date.now();
    const response = await fetch(`${server.url}/responses`, {
      method: "POST",
      headers: json,
      body: JSON.stringify({ input: userSays("Write a long report"), background: true, stream: true }),
    });
    expect(response.status).toBe(200);
    let text = "";
    const decoder = new TextDecoder();
    const error = await (async () => {
      for await (const chunk of response.body as ReadableStream<Uint8Array>) text += decoder.decode(chunk);
    })().catch((caught: unknown) => caught);
    const elapsed = Date.now() - opened;
    expect(error).toBeInstanceOf(Error);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    // Well before the run (~3 s) is over: the proxy's timer cut it, not the end of the run.
    expect(elapsed).toBeLessThan(2_500);
    // Cut mid-body: whole frames so far, none of them the end.
    const received = parseFrames(text.slice(0, text.lastIndexOf("\n\n") + 2)) as AgentFrame[];
    expect(received.length).toBeGreaterThan(1);
    expect(received).not.toContain("[DONE]");

    const last = received.at(-1) as AgentFrame;
    await vi.waitFor(
      async () => {
        const status = await fetch(`${server?.url}/responses/${last.response_id}`);
        expect(((await status.json()) as JsonObject).status).toBe("completed");
      },
      { timeout: 10_000, interval: 200 },
    );
    const rest = await readStored(
      await fetch(
        `${server.url}/responses/${last.response_id}?stream=true&starting_after=${last.sequence_number}`,
      ),
    );
    expect(rest.done).toBe(true);
    expect(rest.frames[0]?.sequence_number).toBe(last.sequence_number + 1);
    expect(server.emulator.openStreams()).toBe(0);
  }, 15_000);

  it("redirects a request without an accepted token to the workspace login (302, empty body)", async () => {
    server = await startEmulatorServer({
      port: 0,
      options: { flavor: "databricks-agent", token: "oauth-token" },
    });
    const create = (authorization?: string) =>
      fetch(`${server?.url}/responses`, {
        method: "POST",
        redirect: "manual",
        headers: { ...json, ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ input: userSays("Hello"), background: true }),
      });
    for (const refused of [await create(), await create("Bearer dapi0123456789abcdef")]) {
      expect(refused.status).toBe(302);
      const location = new URL(refused.headers.get("location") as string);
      expect(`${location.origin}${location.pathname}`).toBe(`${server.url}/oidc/oauth2/v2.0/authorize`);
      expect(location.searchParams.get("response_type")).toBe("code");
      expect(location.searchParams.get("redirect_uri")).toBe(`${server.url}/.auth/callback`);
      expect(await refused.text()).toBe("");
    }
    expect(server.emulator.inspect()).toEqual([]);
    expect((await create("Bearer oauth-token")).status).toBe(200);
    // A client that follows the redirect lands on the login page, not in a loop.
    const followed = await fetch(`${server.url}/responses/resp_1`);
    expect(followed.status).toBe(200);
    expect(followed.headers.get("content-type")).toMatch(/^text\/html/);
  });
});

describe("databricks-agent auth in process", () => {
  it("accepts a token the workspace issued to the service principal", async () => {
    const servicePrincipal = { clientId: "sp", clientSecret: "secret" };
    const { emulator, ask } = agentSetup({ servicePrincipal });
    const issued = await emulator.fetch("http://workspace.local/oidc/v1/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&client_id=sp&client_secret=secret&scope=all-apis",
    });
    const { access_token } = (await issued.json()) as { access_token: string };
    expect((await ask("Hello", { background: true })).status).toBe(302);
    const created = await emulator.fetch("http://agent-app.local/responses", {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ input: userSays("Hello"), background: true }),
    });
    expect(((await created.json()) as JsonObject).status).toBe("in_progress");
  });
});
