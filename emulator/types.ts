import type { WebhookOptions } from "./webhooks";
// Wire and option types of the emulator. Output items are kept loose (plain JSON objects) on purpose: echoed
// input items are copied "as given", including fields the emulator does not know.

import type { AgentBricksOptions } from "./agent-bricks/options";
import type { AgentServerOptions } from "./agent-server/options";
import type { ServicePrincipal } from "./oauth";

/**
 * Which upstream to imitate: the Supervisor API (`databricks`), OpenAI's background Responses (`openai`), a
 * Databricks agent app served by LongRunningAgentServer (`databricks-agent`, see agent-server/), or one served
 * by the Agent Bricks runtime's DurableAgentServer (`agent-bricks`, see agent-bricks/).
 */
export type EmulatorFlavor = "databricks" | "openai" | "databricks-agent" | "agent-bricks";

/** The flavours that speak the Responses API itself (`databricks`, `openai`). */
export function isResponsesFlavor(flavor: EmulatorFlavor): flavor is "databricks" | "openai" {
  return flavor === "databricks" || flavor === "openai";
}

export interface EmulatorOptions {
  /** Which upstream to imitate; default "databricks" (echoed history, partial items with `id: null`). */
  flavor?: EmulatorFlavor;
  /** Multiplies every scenario duration; 0.05 = 20x faster; default 1. */
  timeScale?: number;
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
  /**
   * A service principal: `POST …/oidc/v1/token` issues it expiring tokens (OAuth M2M), and only those (or
   * `token`) open the Responses API.
   */
  servicePrincipal?: ServicePrincipal;
  /** After this long (real ms since creation) GET → 404; default: openai 600_000, databricks Infinity. */
  retentionMs?: number;
  /** Clock in ms; default Date.now. Tests inject a fake clock. */
  now?: () => number;
  /** Databricks flavour: also echo `mcp_approval_request` / `mcp_approval_response` input items (unconfirmed upstream). */
  echoApprovals?: boolean;
  /** Injected upstream failures (none by default). See `faults.ts`. */
  faults?: FaultOptions;
  /** Real (not scenario) time added before every answer, uniform between `minMs` and `maxMs`. */
  latency?: LatencyRange;
  /** Seeds the fault and latency draws, so a run can be repeated; default: a random seed (see `options.seed`). */
  seed?: number;
  /** Names of Databricks Apps this emulator answers for itself at `GET …/api/2.0/apps/{name}` (its own URL). */
  apps?: string[];
  /** The `databricks-agent` flavour's own knobs (agent-server/options.ts). */
  agentServer?: AgentServerOptions;
  /** The `agent-bricks` flavour's own knobs (agent-bricks/options.ts). */
  agentBricks?: AgentBricksOptions;
  /** The openai flavour: POST a signed event to this URL when a background response ends (webhooks.ts). */
  webhooks?: WebhookOptions;
}

export type ResolvedEmulatorOptions = Required<
  Omit<EmulatorOptions, "token" | "latency" | "servicePrincipal" | "agentServer" | "agentBricks" | "webhooks">
> & {
  token?: string;
  webhooks?: WebhookOptions;
  servicePrincipal?: ServicePrincipal;
  latency?: LatencyRange;
  agentServer: AgentServerOptions;
  agentBricks: AgentBricksOptions;
};

/** The calls a fault can hit. `create` is only ever faulted when named: a client must never retry a create. */
export type FaultOperation = "create" | "retrieve" | "cancel";

/**
 * `503`: a server_error JSON body; `429`: rate limited, with `Retry-After` (seconds); `reset`: the connection
 * is dropped (the HTTP server destroys the socket, `emulator.fetch` throws `TypeError: fetch failed`);
 * `malformed`: a 200 whose JSON is cut in half; `slow`: the right answer, its body trickled over `slowMs`.
 */
export type FaultKind = "503" | "429" | "reset" | "malformed" | "slow";

/** Probabilities (0–1) per operation and kind; each operation's rates add up to at most 1. */
export type FaultTable = Partial<Record<FaultOperation, Partial<Record<FaultKind, number>>>>;

export interface FaultOptions {
  /** e.g. `{ retrieve: { "503": 0.1, reset: 0.05 } }`. */
  rates?: FaultTable;
  /** Rates for the runs of one scenario (by name, e.g. "multi-step"); they replace `rates` kind by kind. */
  scenarios?: Partial<Record<string, FaultTable>>;
  /** The `Retry-After` of a 429, in seconds; default 1. */
  retryAfterSeconds?: number;
  /** How long a `slow` answer takes to arrive, in real ms; default 2000. */
  slowMs?: number;
  /**
   * Every event stream is cut (the connection dropped, no terminal event) this long after it opened, in real
   * ms, as the Databricks Apps proxy cuts long connections; default: never.
   */
  streamCutMs?: number;
}

export interface LatencyRange {
  minMs: number;
  maxMs: number;
}

export type JsonObject = Record<string, unknown>;

export type ResponseStatus = "queued" | "in_progress" | "completed" | "failed" | "incomplete" | "cancelled";

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details?: { cached_tokens: number; cache_write_tokens: number };
  output_tokens_details?: { reasoning_tokens: number };
}

/** The request settings an OpenAI response echoes (`openai-fields.ts`); the Supervisor API echoes none. */
export interface OpenAISettings {
  tools: JsonObject[];
  tool_choice: unknown;
  parallel_tool_calls: boolean;
  temperature: number | null;
  top_p: number | null;
  max_output_tokens: number | null;
  previous_response_id: string | null;
  reasoning: JsonObject;
  store: boolean;
  text: JsonObject;
  truncation: "auto" | "disabled";
}

export interface ResponseObject extends Partial<OpenAISettings> {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  background: boolean;
  model: string;
  instructions: string | null;
  output: JsonObject[];
  error: { code: string; message: string } | null;
  incomplete_details: { reason: "max_output_tokens" | "content_filter" } | null;
  usage: Usage | null;
  metadata: Record<string, string>;
  completed_at?: number;
}
