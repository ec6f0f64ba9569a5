import { describe, expect, it } from "vitest";
import { loadSupervisorConfig } from "@/lib/supervisor/config";
import { runToEnd, type Seen, setup } from "./testing";

const creates = (seen: Seen[]) => seen.filter((r) => r.method === "POST" && r.path.endsWith("/responses"));
// The app's own function tool (current_time) makes the agent come back for a second cycle.
const TWO_CYCLES = "What time is it in Tokyo?";

describe("tracing pass-through", () => {
  it("is off by default: no context, no traceparent", async () => {
    const { deps, seen } = setup(60_000);
    await runToEnd(deps, crypto.randomUUID(), TWO_CYCLES);
    expect(creates(seen)).toHaveLength(2);
    expect(creates(seen).every((r) => r.body?.context === undefined && !r.traceparent)).toBe(true);
  });

  it("Databricks: the chat id as the conversation, one trace per turn with a span per create, the MLflow destination", async () => {
    const { deps, seen } = setup(60_000, undefined, undefined, undefined, {
      env: { SUPERVISOR_TRACING: "on", MLFLOW_TRACE_DESTINATION: "main.agents.chat_" },
    });
    const chatId = crypto.randomUUID();
    await runToEnd(deps, chatId, TWO_CYCLES);
    const sent = creates(seen);
    expect(sent).toHaveLength(2);
    for (const request of sent) {
      expect(request.body).toMatchObject({
        context: { conversation_id: chatId },
        trace_destination: { catalog_name: "main", schema_name: "agents", table_prefix: "chat_" },
      });
      expect(request.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
    const [first, second] = sent.map((r) => r.traceparent?.split("-") ?? []);
    expect(first?.[1]).toBe(second?.[1]);
    expect(first?.[2]).not.toBe(second?.[2]);
  });

  it("OpenAI: the conversation in metadata (its API refuses unknown fields), no MLflow destination", async () => {
    const { deps, seen } = setup(60_000, undefined, undefined, undefined, {
      flavor: "openai",
      env: { SUPERVISOR_TRACING: "on", MLFLOW_TRACE_DESTINATION: "main.agents" },
    });
    const chatId = crypto.randomUUID();
    await runToEnd(deps, chatId, "What can you do?");
    const [request] = creates(seen);
    expect(request?.body?.metadata).toEqual({ conversation_id: chatId });
    expect(request?.body).not.toHaveProperty("context");
    expect(request?.body).not.toHaveProperty("trace_destination");
    expect(request?.traceparent).toMatch(/^00-/);
  });

  it("names a malformed MLFLOW_TRACE_DESTINATION", () => {
    expect(() =>
      loadSupervisorConfig({ SUPERVISOR_TRACING: "on", MLFLOW_TRACE_DESTINATION: "just-a-catalog" }),
    ).toThrow(/MLFLOW_TRACE_DESTINATION must be catalog.schema/);
  });
});
