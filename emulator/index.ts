// The embedded emulator of the Databricks Supervisor API / OpenAI background Responses API.
// It knows nothing of the app: hand `emulator.fetch` to `new OpenAI({ fetch })` and point `baseURL` anywhere.

import { createHandler } from "./handler";
import { resolveOptions } from "./options";
import type { EmulatorOptions, ResolvedEmulatorOptions } from "./types";

export { emulatorOptionsFromEnv } from "./options";
export { SCENARIOS } from "./scenarios";
export type { EmulatorFlavor, EmulatorOptions, ResponseObject } from "./types";

export interface Emulator {
  /** The HTTP-shaped handler: any base URL works, routing looks at the path suffix. */
  handle(request: Request): Promise<Response>;
  /** `handle(new Request(input, init))`, shaped like `fetch` for `new OpenAI({ fetch })`. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  options: ResolvedEmulatorOptions;
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const resolved = resolveOptions(options);
  const handle = createHandler(resolved);
  return {
    handle,
    fetch: async (input, init) => handle(new Request(input, init)),
    options: resolved,
  };
}
