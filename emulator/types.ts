// Wire and option types of the emulator. Output items are kept loose (plain JSON objects) on purpose: echoed
// input items are copied "as given", including fields the emulator does not know.

export type EmulatorFlavor = "databricks" | "openai";

export interface EmulatorOptions {
  /** Which upstream to imitate; default "databricks" (echoed history, partial items with `id: null`). */
  flavor?: EmulatorFlavor;
  /** Multiplies every scenario duration; 0.05 = 20x faster; default 1. */
  timeScale?: number;
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  token?: string;
  /** After this long (real ms since creation) GET → 404; default: openai 600_000, databricks Infinity. */
  retentionMs?: number;
  /** Clock in ms; default Date.now. Tests inject a fake clock. */
  now?: () => number;
  /** Databricks flavour: also echo `mcp_approval_request` / `mcp_approval_response` input items (unconfirmed upstream). */
  echoApprovals?: boolean;
}

export type ResolvedEmulatorOptions = Required<Omit<EmulatorOptions, "token">> & { token?: string };

export type JsonObject = Record<string, unknown>;

export type ResponseStatus = "queued" | "in_progress" | "completed" | "failed" | "incomplete" | "cancelled";

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  input_tokens_details?: { cached_tokens: number };
  output_tokens_details?: { reasoning_tokens: number };
}

export interface ResponseObject {
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
