import { createHash, randomBytes } from "node:crypto";

/** Tracing pass-through (off by default): what each create of a run carries so the upstream's traces line up. */
export interface TracingOptions {
  /** MLflow's Unity Catalog destination for the Supervisor API's traces (Databricks only). */
  traceDestination?: { catalog_name: string; schema_name: string; table_prefix?: string };
}

/** `MLFLOW_TRACE_DESTINATION=catalog.schema[.table_prefix]`. */
export function parseTraceDestination(value: string): TracingOptions["traceDestination"] | string {
  const parts = value.split(".");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p)))
    return "must be catalog.schema or catalog.schema.table_prefix";
  const [catalog_name, schema_name, table_prefix] = parts as [string, string, string?];
  return { catalog_name, schema_name, ...(table_prefix ? { table_prefix } : {}) };
}

/**
 * The body fields and headers for one create: the chat id as the conversation (Databricks `context`, OpenAI
 * `metadata`, which rejects unknown fields), a W3C `traceparent` whose trace id is the run's (every cycle of a
 * turn in one trace, a span per create), and the MLflow destination where configured.
 */
export function tracingFields(
  config: { provider: string },
  tracing: TracingOptions,
  ids: { chatId: string; runId: string },
): { extra: Record<string, unknown>; headers: Record<string, string> } {
  const traceId = createHash("sha256").update(ids.runId).digest("hex").slice(0, 32);
  const spanId = randomBytes(8).toString("hex");
  const conversation =
    config.provider === "openai"
      ? { metadata: { conversation_id: ids.chatId } }
      : { context: { conversation_id: ids.chatId } };
  return {
    extra: {
      ...conversation,
      ...(config.provider !== "openai" && tracing.traceDestination
        ? { trace_destination: tracing.traceDestination }
        : {}),
    },
    headers: { traceparent: `00-${traceId}-${spanId}-01` },
  };
}

/** The per-create tracing fields of `config`, or undefined when tracing is off. */
export function traceFieldsOf(config: { provider: string; tracing?: TracingOptions }) {
  const tracing = config.tracing;
  if (!tracing) return undefined;
  return (ids: { chatId: string; runId: string }) => tracingFields(config, tracing, ids);
}
