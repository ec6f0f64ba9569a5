import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { z } from "zod";
import { errorText } from "@/lib/shared/named-error";

/**
 * SUPERVISOR_TOOLS_FILE: a JSON array of hosted tools (or `{"tools": [...]}`) sent on every create. Checked at
 * start-up so a typo shows up as one readable list of problems, not as a 400 from the upstream on the first chat.
 * Shapes: docs/upstreams.md, "Databricks specifics", plus OpenAI's `mcp` tool for OpenAI-compatible providers.
 */

/** Databricks rejects other function names with a 400. */
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

// Messages read as the end of "<field path> …", e.g. "genie_space.id is required".
const missingOr = (otherwise: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? "is required" : otherwise;

const text = z
  .string({ error: missingOr("must be a string") })
  .refine((value) => value.trim() !== "", { error: "must not be empty" });

// Unknown keys are kept (.loose()): the upstream may accept fields this app does not know yet.
const section = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.object(shape, { error: missingOr("must be an object") }).loose();

const jsonObject = z.record(z.string(), z.unknown(), { error: missingOr("must be a JSON object") });

const mcpTool = z
  .object({
    type: z.literal("mcp"),
    server_label: text,
    server_url: z.url({ protocol: /^https?$/, error: missingOr("must be an http(s) URL") }),
    require_approval: z
      .union([z.enum(["always", "never"]), jsonObject], {
        error: 'must be "always", "never" or an object',
      })
      .optional(),
    allowed_tools: z
      .union([z.array(text), jsonObject], { error: "must be a list of tool names or an object" })
      .optional(),
    // Header values are credentials: the messages here never quote a value, only the header's name.
    headers: z
      .record(z.string(), z.string({ error: "must be a string" }), { error: "must be an object" })
      .optional(),
  })
  .loose();

export const hostedToolSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("genie_space"), genie_space: section({ id: text, description: text }) }).loose(),
  z
    .object({ type: z.literal("uc_function"), uc_function: section({ name: text, description: text }) })
    .loose(),
  z
    .object({
      type: z.literal("knowledge_assistant"),
      knowledge_assistant: section({ knowledge_assistant_id: text, description: text }),
    })
    .loose(),
  z
    .object({ type: z.literal("uc_connection"), uc_connection: section({ name: text, description: text }) })
    .loose(),
  z.object({ type: z.literal("app"), app: section({ name: text, description: text }) }).loose(),
  z
    .object({
      type: z.literal("function"),
      name: z.string({ error: missingOr("must be a string") }).regex(FUNCTION_NAME, {
        error: "must be 1-64 letters, digits, _ or - (^[a-zA-Z0-9_-]{1,64}$)",
      }),
      description: text,
      parameters: jsonObject.refine((schema) => schema.type === undefined || schema.type === "object", {
        error: 'must be a JSON schema of an object ("type": "object")',
      }),
    })
    .loose(),
  mcpTool,
]);

export type HostedTool = z.infer<typeof hostedToolSchema>;

const TOOL_TYPES = hostedToolSchema.options.map((option) => option.shape.type.value);

export class ToolsFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ToolsFileError";
  }
}

/** Parses and checks the file's text; throws a ToolsFileError listing every problem found. */
export function parseToolsFile(text: string, source?: string): HostedTool[] {
  const where = source ? `SUPERVISOR_TOOLS_FILE (${source})` : "SUPERVISOR_TOOLS_FILE";
  let json: unknown;
  try {
    // Some Windows editors start UTF-8 files with a byte-order mark, which JSON.parse refuses.
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new ToolsFileError([`${where}: not valid JSON: ${jsonErrorWithoutSource(err, text)}`]);
  }
  const entries = Array.isArray(json) ? json : toolsProperty(json);
  if (!entries) {
    throw new ToolsFileError([
      `${where}: must be a JSON array of tools, or an object with a "tools" array; found ${describeJson(json)}`,
    ]);
  }
  const problems: string[] = [];
  const tools: HostedTool[] = [];
  const functionNames = new Map<string, number>();
  entries.forEach((entry: unknown, index) => {
    const label = entryLabel(index, entry);
    const typeProblem = checkType(entry);
    if (typeProblem) {
      problems.push(`${where}: ${label}: ${typeProblem}`);
      return;
    }
    const parsed = hostedToolSchema.safeParse(entry);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problems.push(`${where}: ${label}: ${describeIssue(issue)}`);
      return;
    }
    const tool = parsed.data;
    if (tool.type === "function") {
      const first = functionNames.get(tool.name);
      if (first !== undefined) {
        problems.push(`${where}: ${label}: name "${tool.name}" is already used by entry ${first}`);
        return;
      }
      functionNames.set(tool.name, index + 1);
    }
    tools.push(tool);
  });
  if (problems.length) throw new ToolsFileError(problems);
  return tools;
}

/** Reads and checks the file at `path`; throws a ToolsFileError when it cannot be read or is wrong. */
export function loadToolsFile(
  path: string,
  readFile: (path: string) => string = (file) => readFileSync(file, "utf8"),
): HostedTool[] {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    // A relative path is resolved against the server's working directory, which is often not where one expects.
    const shown = isAbsolute(path) ? path : `${path} (${resolve(path)})`;
    throw new ToolsFileError([`SUPERVISOR_TOOLS_FILE: cannot read ${shown}: ${readFailure(err)}`]);
  }
  return parseToolsFile(text, path);
}

function toolsProperty(json: unknown): unknown[] | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const tools = (json as { tools?: unknown }).tools;
  return Array.isArray(tools) ? tools : undefined;
}

/** People count entries from 1, the way they read the file. */
function entryLabel(index: number, entry: unknown): string {
  const type = (entry as { type?: unknown } | null)?.type;
  return typeof type === "string" && TOOL_TYPES.includes(type as never)
    ? `entry ${index + 1} (${type})`
    : `entry ${index + 1}`;
}

function checkType(entry: unknown): string | undefined {
  const allowed = `allowed types: ${TOOL_TYPES.join(", ")}`;
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
    return `must be an object with a "type" (${allowed}); found ${describeJson(entry)}`;
  }
  const type = (entry as { type?: unknown }).type;
  if (type === undefined) return `"type" is required (${allowed})`;
  if (typeof type !== "string" || !TOOL_TYPES.includes(type as never)) {
    return `unknown type ${JSON.stringify(type)}; ${allowed}`;
  }
  return undefined;
}

/** "genie_space.id is required", "allowed_tools[1] must not be empty": the field path, then what is wrong. */
function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.reduce<string>(
    (text, key) =>
      typeof key === "number" ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key),
    "",
  );
  return path ? `${path} ${issue.message}` : issue.message;
}

function describeJson(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * V8 quotes a stretch of the input in its JSON errors ("Unexpected token 'B', ..."Bearer sk-"... is not valid
 * JSON"); that stretch may be a header's secret, so it is cut, and a line/column is added where V8 gives a position.
 */
function jsonErrorWithoutSource(err: unknown, text: string): string {
  const message = errorText(err);
  const withoutSource = message
    .replace(/,\s*(?:\.\.\.)?".*"(?:\.\.\.)?\s+is not valid JSON\s*$/s, "")
    .replace(/^(?:\.\.\.)?".*"(?:\.\.\.)?\s+is not valid JSON\s*$/s, "unexpected input");
  const position = /at position (\d+)/.exec(withoutSource)?.[1];
  if (position === undefined || /\(line \d+/.test(withoutSource)) return withoutSource;
  const before = text.slice(0, Number(position)).split("\n");
  return `${withoutSource} (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`;
}

function readFailure(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory, not a file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return errorText(err);
}
