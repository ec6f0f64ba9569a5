import type { z } from "zod";

/** What a tool may use from its surroundings; injected so tests can pin the clock. */
export interface ToolContext {
  now(): Date;
  /** Aborted when the call times out or the turn is cancelled; long-running tools should stop early. */
  signal?: AbortSignal;
}

/**
 * A `type: "function"` tool the app itself runs: the upstream returns a `function_call` and waits for our
 * `function_call_output` in the next request.
 */
export interface ClientTool<Args = unknown> {
  /** Sent to the model as the function name; must match ^[a-zA-Z0-9_-]{1,64}$ (Databricks rejects others). */
  name: string;
  /** Read by the model to decide when to call the tool. */
  description: string;
  /** Validated before `execute`, and turned into the JSON schema the model sees. Must describe an object. */
  args: z.ZodType<Args>;
  /** Returns the output text the model reads; throwing is fine, the error text goes back to the model. */
  execute(args: Args, context: ToolContext): Promise<string> | string;
}

/** Keeps `Args` inferred from `args`, so `execute` is typed without spelling the type out twice. */
export function defineClientTool<Args>(tool: ClientTool<Args>): ClientTool<Args> {
  return tool;
}
