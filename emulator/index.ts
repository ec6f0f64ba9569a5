// The embedded emulator of the Databricks Supervisor API / OpenAI background Responses API.
// It knows nothing of the app: hand `emulator.fetch` to `new OpenAI({ fetch })` and point `baseURL` anywhere.

import type { FaultStats } from "./faults";
import { createHandler } from "./handler";
import { resolveOptions } from "./options";
import type { StoredResponseView } from "./state";
import type { EmulatorOptions, ResolvedEmulatorOptions } from "./types";
import type { WebhookDelivery } from "./webhooks";

export { FAULTS_HEADER, type FaultStats, isConnectionReset } from "./faults";
export { emulatorOptionsFromEnv } from "./options";
export { SCENARIOS } from "./scenarios";
export type { StoredResponseView } from "./state";
export type {
  EmulatorFlavor,
  EmulatorOptions,
  FaultKind,
  FaultOperation,
  FaultOptions,
  FaultTable,
  JsonObject,
  ResponseObject,
} from "./types";

export interface Emulator {
  /**
   * The HTTP-shaped handler: any base URL works, routing looks at the path suffix. An injected connection reset
   * throws `TypeError: fetch failed`, as `fetch` does.
   */
  handle(request: Request): Promise<Response>;
  /** `handle(new Request(input, init))`, shaped like `fetch` for `new OpenAI({ fetch })`. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  options: ResolvedEmulatorOptions;
  /** Requests seen and faults injected so far, by operation and kind. */
  faultStats(): FaultStats;
  /** Every stored response as of now, oldest first: the ground truth for tests and soak checks. */
  inspect(): StoredResponseView[];
  /** Event streams (`stream: true`) being served right now; 0 once every client has finished or gone. */
  openStreams(): number;
  /** The webhooks sent so far (openai flavour, `webhooks` set), each with its receiver's answer. */
  webhookDeliveries(): WebhookDelivery[];
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const resolved = resolveOptions(options);
  const handler = createHandler(resolved);
  const handle = handler.handle;
  return {
    handle,
    fetch: async (input, init) => handle(new Request(input, init)),
    options: resolved,
    faultStats: handler.stats,
    inspect: handler.inspect,
    openStreams: handler.openStreams,
    webhookDeliveries: () => handler.webhookDeliveries?.() ?? [],
  };
}
