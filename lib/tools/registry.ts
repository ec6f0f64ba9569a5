import { z } from "zod";
import { calculateTool } from "./calculate";
import { currentTimeTool } from "./current-time";
import type { ClientTool } from "./types";

/** Databricks rejects other function names with a 400, so a bad name is caught at start-up instead. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;

/** The request shape of a function tool (Responses API / Supervisor API `tools` entry). */
export interface FunctionToolDefinition {
  type: "function";
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolRegistry {
  get(name: string): ClientTool | undefined;
  names(): string[];
  definitions(): FunctionToolDefinition[];
}

/** Throws on a duplicate or invalid name, or arguments that are not an object schema: all programming errors. */
export function createToolRegistry(tools: ClientTool[]): ToolRegistry {
  // A Map, not an object: a call named "constructor" or "__proto__" must not find anything.
  const byName = new Map<string, ClientTool>();
  for (const tool of tools) {
    if (!TOOL_NAME_PATTERN.test(tool.name)) {
      throw new Error(`Client tool name ${JSON.stringify(tool.name)} must match ${TOOL_NAME_PATTERN.source}`);
    }
    if (byName.has(tool.name)) throw new Error(`Client tool "${tool.name}" is registered twice`);
    byName.set(tool.name, tool);
  }
  // Built once, so a schema that cannot be a function's parameters fails here rather than on the first request.
  const definitions = [...byName.values()].map(toDefinition);
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
    definitions: () => definitions.map((d) => ({ ...d, parameters: structuredClone(d.parameters) })),
  };
}

function toDefinition(tool: ClientTool): FunctionToolDefinition {
  // "input": the model writes the arguments, so optional and defaulted fields must not be listed as required.
  const { $schema: _dialect, ...parameters } = z.toJSONSchema(tool.args, { io: "input" }) as Record<
    string,
    unknown
  >;
  if (parameters.type !== "object") {
    throw new Error(`Client tool "${tool.name}" must take an object of arguments (a z.object schema)`);
  }
  return { type: "function", name: tool.name, description: tool.description, parameters };
}

/** The tools the app offers when SUPERVISOR_CLIENT_TOOLS is on. */
export const defaultToolRegistry: ToolRegistry = createToolRegistry([currentTimeTool, calculateTool]);
