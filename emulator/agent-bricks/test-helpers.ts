// Test helpers: an `agent-bricks` emulator on a hand-driven clock, spoken to with plain HTTP-shaped requests.

import { createEmulator } from "../index";
import { START_MS } from "../test-helpers";
import type { EmulatorOptions, JsonObject } from "../types";

export const APP = "http://agent.local";
export const SESSION = "session-one";

/** Python's `str(uuid4())`-like ids, distinct per call. */
let counter = 0;
export function newId(): string {
  counter += 1;
  return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, "0")}`;
}

export const turn = (text: string): JsonObject => ({ messages: [{ role: "user", content: text }] });

export interface Frame {
  id: number;
  event: string;
  data: JsonObject & { type: string };
  /** The frame's lines as sent, without the blank line after them. */
  raw: string;
}

/** Splits an event-stream body into frames; every frame must be exactly `id:`, `event:` and `data:` lines. */
export function parseFrames(text: string): Frame[] {
  if (text === "") return [];
  if (!text.endsWith("\n\n"))
    throw new Error(`The stream does not end with a blank line: ${text.slice(-80)}`);
  return text
    .slice(0, -2)
    .split("\n\n")
    .map((raw) => {
      const match = /^id: (\d+)\nevent: ([^\n]+)\ndata: ([^\n]+)$/.exec(raw);
      if (!match) throw new Error(`Not an id/event/data frame: ${JSON.stringify(raw)}`);
      return { id: Number(match[1]), event: match[2] as string, data: JSON.parse(match[3] as string), raw };
    });
}

export function bricks(options: EmulatorOptions = {}) {
  let now = START_MS;
  const emulator = createEmulator({ flavor: "agent-bricks", now: () => now, seed: 7, ...options });
  const post = (body: unknown, headers: Record<string, string> = { "x-databricks-session-id": SESSION }) =>
    emulator.fetch(`${APP}/api/invocations`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  return {
    emulator,
    post,
    /** Moves the fake clock forward; nothing else happens until the next request. */
    advance: (ms: number) => {
      now += ms;
    },
    /** A background create in `session`; answers the 202's body. */
    start: async (input: unknown, { id = newId(), session = SESSION, stream = false } = {}) => {
      const response = await post(
        { id, input, background: true, stream },
        { "x-databricks-session-id": session },
      );
      if (response.status !== 202)
        throw new Error(`create answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as {
        id: string;
        status: string;
        status_url: string;
        events_url?: string;
      };
    },
    status: async (id: string) => {
      const response = await emulator.fetch(`${APP}/api/invocations/${id}`);
      return { code: response.status, body: (await response.json()) as JsonObject };
    },
    /** The whole event stream from `after`; only returns once the stream closes (advance the clock first). */
    events: async (id: string, after?: number) => {
      const query = after === undefined ? "" : `?after=${after}`;
      const response = await emulator.fetch(`${APP}/api/invocations/${id}/events${query}`);
      const text = await response.text();
      return { response, text, frames: response.status === 200 ? parseFrames(text) : [] };
    },
  };
}

/** The `message` events' payloads of a list of frames. */
export function messagesOf(frames: Frame[]): JsonObject[] {
  return frames.filter((frame) => frame.event === "message").map((frame) => frame.data.message as JsonObject);
}

/** The event types in order, with runs of deltas collapsed into one `delta*`. */
export function shape(frames: Frame[]): string[] {
  const types: string[] = [];
  for (const frame of frames) {
    const type = frame.event === "delta" ? "delta*" : frame.event;
    if (type === "delta*" && types.at(-1) === "delta*") continue;
    types.push(type === "message" ? `message:${kindOf(frame.data.message as JsonObject)}` : type);
  }
  return types;
}

function kindOf(message: JsonObject): string {
  if (message.role === "tool") return "tool";
  if (Array.isArray(message.tool_calls)) return "tool_calls";
  if (Array.isArray(message.content)) return "reasoning";
  return "text";
}
