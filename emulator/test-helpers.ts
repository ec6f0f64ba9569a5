// Test helpers: an emulator on a hand-driven clock, reached through the real `openai` SDK.

import OpenAI from "openai";
import { createEmulator } from "./index";
import type { EmulatorOptions, JsonObject, ResponseObject } from "./types";

export const START_MS = 1_750_000_000_000;

export function setup(options: EmulatorOptions = {}) {
  let now = START_MS;
  const emulator = createEmulator({ now: () => now, ...options });
  const client = new OpenAI({
    apiKey: options.token ?? "x",
    baseURL: "http://emulator.local/v1",
    fetch: emulator.fetch,
    maxRetries: 0,
  });
  return {
    emulator,
    client,
    /** Moves the fake clock forward; nothing else happens until the next request. */
    advance: (ms: number) => {
      now += ms;
    },
    /** The SDK's typings cannot express `id: null` items, so tests read the plain wire object. */
    create: async (body: Record<string, unknown>) => asWire(await client.responses.create(body as never)),
    retrieve: async (id: string) => asWire(await client.responses.retrieve(id)),
    cancel: async (id: string) => asWire(await client.responses.cancel(id)),
  };
}

export function asWire(response: unknown): ResponseObject {
  const { output_text: _derived, ...wire } = response as ResponseObject & { output_text?: string };
  return wire;
}

export function messageText(item: JsonObject | undefined): string {
  const content = item?.content as Array<{ text?: string }> | undefined;
  return content?.map((part) => part.text ?? "").join("") ?? "";
}

export function lastMessage(response: ResponseObject): JsonObject | undefined {
  return response.output.filter((item) => item.type === "message").at(-1);
}
