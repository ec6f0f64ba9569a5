// Test helpers for the `databricks-agent` flavour: an emulator on a hand-driven clock, requests as a client of
// the agent app sends them, and a strict reader of its `data:`-only event streams.

import { expect } from "vitest";
import { createEmulator } from "../index";
import { START_MS } from "../test-helpers";
import type { EmulatorOptions, JsonObject } from "../types";

/** Any base URL works: the handler routes on the path suffix. */
export const APP_URL = "http://agent-app.local";

/** A frame of a stored run's stream: every one carries these two. */
export type AgentFrame = JsonObject & { type: string; sequence_number: number; response_id: string };

export function agentSetup(options: EmulatorOptions = {}) {
  let now = START_MS;
  const emulator = createEmulator({ flavor: "databricks-agent", now: () => now, seed: 7, ...options });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    emulator.fetch(`${APP_URL}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return {
    emulator,
    advance: (ms: number) => {
      now += ms;
    },
    post,
    get: (path: string, headers: Record<string, string> = {}) =>
      emulator.fetch(`${APP_URL}${path}`, { headers }),
    /** `POST /responses` with one user message and the given flags. */
    ask: (question: string, flags: JsonObject = {}) =>
      post("/responses", { input: userSays(question), ...flags }),
  };
}

export function userSays(question: string): JsonObject[] {
  return [{ role: "user", content: question }];
}

/**
 * The frames of an event stream, checking the framing on the way: every block is one `data:` line (no
 * `event:`, `id:` or comment lines). `[DONE]` is kept as the string.
 */
export function parseFrames(text: string): Array<JsonObject | "[DONE]"> {
  expect(text.endsWith("\n\n") || text === "").toBe(true);
  return text
    .split("\n\n")
    .filter((block) => block !== "")
    .map((block) => {
      expect(block).toMatch(/^data: [^\n]+$/);
      const data = block.slice("data: ".length);
      return data === "[DONE]" ? "[DONE]" : (JSON.parse(data) as JsonObject);
    });
}

/** A stored run's frames, and whether the stream ended with `[DONE]` (which must then be the last frame). */
export async function readStored(response: Response): Promise<{ frames: AgentFrame[]; done: boolean }> {
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
  const all = parseFrames(await response.text());
  const done = all.at(-1) === "[DONE]";
  const frames = (done ? all.slice(0, -1) : all) as AgentFrame[];
  expect(frames).not.toContain("[DONE]");
  return { frames, done };
}

export const ofType = <T extends { type?: unknown }>(frames: T[], type: string): T[] =>
  frames.filter((frame) => frame.type === type);

/** The items of every `output_item.done`, in order. */
export function doneItems(frames: JsonObject[]): JsonObject[] {
  return ofType(frames, "response.output_item.done").map((frame) => frame.item as JsonObject);
}

/** One read of a live body that gives up after `ms` of real time (nothing was written meanwhile). */
export async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  ms: number,
): Promise<string | "nothing" | "end"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const quiet = new Promise<"nothing">((resolve) => {
    timer = setTimeout(() => resolve("nothing"), ms);
  });
  const read = reader.read().then((chunk) => (chunk.done ? "end" : new TextDecoder().decode(chunk.value)));
  const first = await Promise.race([read, quiet]);
  clearTimeout(timer);
  if (first === "nothing") pendingReads.set(reader, read);
  return first;
}

/** A read left waiting by `readWithin`, to be taken up by `nextRead`. */
const pendingReads = new WeakMap<ReadableStreamDefaultReader<Uint8Array>, Promise<string | "end">>();

/** The next piece of a live body, taking up a read `readWithin` left waiting. */
export async function nextRead(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string | "end"> {
  const pending = pendingReads.get(reader);
  pendingReads.delete(reader);
  return (
    pending ?? reader.read().then((chunk) => (chunk.done ? "end" : new TextDecoder().decode(chunk.value)))
  );
}
