import { describe, expect, it } from "vitest";
import { loadToolsFile, parseToolsFile, ToolsFileError } from "./tools-file";

const everyType = [
  { type: "genie_space", genie_space: { id: "01ef0123", description: "Sales data" } },
  { type: "uc_function", uc_function: { name: "main.analytics.forecast", description: "Forecast revenue" } },
  {
    type: "knowledge_assistant",
    knowledge_assistant: { knowledge_assistant_id: "ka-1", description: "Policies" },
  },
  { type: "uc_connection", uc_connection: { name: "web_search_mcp", description: "Web search" } },
  { type: "app", app: { name: "ticket-app", description: "Tickets" } },
  {
    type: "function",
    name: "lookup_customer",
    description: "Find a customer",
    parameters: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
  },
  {
    type: "mcp",
    server_label: "docs",
    server_url: "https://mcp.example.com/sse",
    require_approval: "never",
    allowed_tools: ["search"],
    headers: { Authorization: "Bearer sk-live-123" },
  },
];

/** The problems a ToolsFileError carries, or a failure if parsing succeeded. */
function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ToolsFileError);
    return (err as ToolsFileError).problems;
  }
  throw new Error("expected a ToolsFileError");
}
const problems = (json: unknown) => problemsOf(() => parseToolsFile(JSON.stringify(json), "tools.json"));

describe("parseToolsFile", () => {
  it("accepts every hosted tool type as written", () => {
    expect(parseToolsFile(JSON.stringify(everyType), "tools.json")).toEqual(everyType);
  });

  it("accepts the { tools: [...] } form and an empty list", () => {
    expect(parseToolsFile(JSON.stringify({ tools: everyType.slice(0, 2) }))).toEqual(everyType.slice(0, 2));
    expect(parseToolsFile("[]")).toEqual([]);
  });

  it("keeps keys it does not know, at the top and inside a tool's section", () => {
    const tool = {
      type: "genie_space",
      genie_space: { id: "g", description: "d", space_hint: 1 },
      extra: true,
    };
    expect(parseToolsFile(JSON.stringify([tool]))).toEqual([tool]);
  });

  it("names the entry, its type and the field path of a missing or empty field", () => {
    expect(problems([everyType[0], { type: "genie_space", genie_space: { description: "x" } }])).toEqual([
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 2 (genie_space): genie_space.id is required",
    ]);
    expect(problems([{ type: "uc_function", uc_function: { name: "  ", description: "d" } }])).toEqual([
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 1 (uc_function): uc_function.name must not be empty",
    ]);
    expect(problems([{ type: "app" }])).toEqual([
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 1 (app): app is required",
    ]);
    expect(problems([{ type: "knowledge_assistant", knowledge_assistant: "ka-1" }])).toEqual([
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 1 (knowledge_assistant): knowledge_assistant must be an object",
    ]);
  });

  it("collects every problem instead of stopping at the first", () => {
    expect(
      problems([
        { type: "uc_connection", uc_connection: {} },
        { type: "genie_space", genie_space: { id: 7, description: "d" } },
        everyType[1],
        { type: "web_search" },
      ]),
    ).toEqual([
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 1 (uc_connection): uc_connection.name is required",
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 1 (uc_connection): uc_connection.description is required",
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 2 (genie_space): genie_space.id must be a string",
      expect.stringContaining("entry 4: unknown type"),
    ]);
  });

  it("lists the allowed types for an unknown or missing type", () => {
    expect(problems([{ type: "web_search" }])).toEqual([
      'SUPERVISOR_TOOLS_FILE (tools.json): entry 1: unknown type "web_search"; allowed types: genie_space, uc_function, knowledge_assistant, uc_connection, app, function, mcp',
    ]);
    expect(problems([{ name: "x" }])[0]).toMatch(
      /entry 1: "type" is required \(allowed types: genie_space, /,
    );
    expect(problems(["genie_space"])[0]).toMatch(
      /entry 1: must be an object with a "type" .*; found a string$/,
    );
  });

  it("checks function tools: name pattern, object parameters, unique names", () => {
    const fn = everyType[5] as Record<string, unknown>;
    expect(problems([{ ...fn, name: "look up" }])).toEqual([
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 1 (function): name must be 1-64 letters, digits, _ or - (^[a-zA-Z0-9_-]{1,64}$)",
    ]);
    expect(problems([{ ...fn, name: "x".repeat(65) }])[0]).toMatch(/entry 1 \(function\): name must be 1-64/);
    expect(problems([{ ...fn, parameters: undefined }])).toEqual([
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 1 (function): parameters is required",
    ]);
    expect(problems([{ ...fn, parameters: { type: "string" } }])[0]).toMatch(
      /parameters must be a JSON schema of an object/,
    );
    expect(problems([{ ...fn, parameters: [] }])[0]).toMatch(/parameters must be a JSON object/);
    expect(problems([fn, everyType[0], fn])).toEqual([
      'SUPERVISOR_TOOLS_FILE (tools.json): entry 3 (function): name "lookup_customer" is already used by entry 1',
    ]);
  });

  it("checks mcp tools", () => {
    const mcp = everyType[6] as Record<string, unknown>;
    expect(
      problems([{ ...mcp, server_url: "ftp://x", require_approval: "sometimes", allowed_tools: [""] }]),
    ).toEqual([
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 1 (mcp): server_url must be an http(s) URL",
      'SUPERVISOR_TOOLS_FILE (tools.json): entry 1 (mcp): require_approval must be "always", "never" or an object',
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 1 (mcp): allowed_tools[0] must not be empty",
    ]);
    expect(
      parseToolsFile(JSON.stringify([{ ...mcp, require_approval: { never: { tool_names: ["a"] } } }])),
    ).toHaveLength(1);
  });

  it("never prints an mcp header's value", () => {
    const secret = "sk-live-very-secret-token";
    const bad = [
      {
        type: "mcp",
        server_label: "",
        server_url: "nope",
        headers: { Authorization: `Bearer ${secret}`, "X-Key": 42 },
      },
    ];
    const found = problems(bad);
    expect(found).toContain(
      "SUPERVISOR_TOOLS_FILE (tools.json): entry 1 (mcp): headers.X-Key must be a string",
    );
    expect(found.join("\n")).not.toContain(secret);
    // Not even when the file is not JSON, where the parser would quote the text around the mistake.
    const broken = `[{"type": "mcp", "headers": {"Authorization": Bearer ${secret}}}]`;
    const messages = problemsOf(() => parseToolsFile(broken, "tools.json"));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/^SUPERVISOR_TOOLS_FILE \(tools.json\): not valid JSON: /);
    expect(messages[0]).not.toContain(secret);
    expect(messages[0]).not.toContain("Bearer");
  });

  it("reports text that is not JSON with the parser's message and where", () => {
    expect(problemsOf(() => parseToolsFile('[\n  {"type": "app",}\n]', "tools.json"))).toEqual([
      expect.stringMatching(
        /^SUPERVISOR_TOOLS_FILE \(tools.json\): not valid JSON: .*position 19 \(line 2,? column 18\)$/,
      ),
    ]);
    expect(problemsOf(() => parseToolsFile(""))).toEqual([
      "SUPERVISOR_TOOLS_FILE: not valid JSON: Unexpected end of JSON input",
    ]);
    expect(parseToolsFile("\uFEFF[]")).toEqual([]);
  });

  it("reports JSON that is not a list of tools", () => {
    expect(problemsOf(() => parseToolsFile('{"genie_space": {}}', "tools.json"))).toEqual([
      'SUPERVISOR_TOOLS_FILE (tools.json): must be a JSON array of tools, or an object with a "tools" array; found an object',
    ]);
    expect(problemsOf(() => parseToolsFile("42"))[0]).toMatch(/found a number$/);
  });
});

describe("loadToolsFile", () => {
  it("reads the file it is given", () => {
    const read = (path: string) => (path === "/etc/app/tools.json" ? JSON.stringify(everyType) : "");
    expect(loadToolsFile("/etc/app/tools.json", read)).toEqual(everyType);
  });

  it("says plainly when the file is missing, with the resolved path of a relative one", () => {
    expect(problemsOf(() => loadToolsFile("/nowhere/tools.json"))).toEqual([
      "SUPERVISOR_TOOLS_FILE: cannot read /nowhere/tools.json: no such file",
    ]);
    expect(problemsOf(() => loadToolsFile("missing-tools.json"))).toEqual([
      `SUPERVISOR_TOOLS_FILE: cannot read missing-tools.json (${process.cwd()}/missing-tools.json): no such file`,
    ]);
    expect(problemsOf(() => loadToolsFile("/tmp"))[0]).toMatch(/cannot read \/tmp: it is a directory/);
  });

  it("names the file in problems with its content", () => {
    const read = () => '[{"type": "genie_space", "genie_space": {"id": "g"}}]';
    expect(problemsOf(() => loadToolsFile("/etc/app/tools.json", read))).toEqual([
      "SUPERVISOR_TOOLS_FILE (/etc/app/tools.json): entry 1 (genie_space): genie_space.description is required",
    ]);
  });

  it("accepts the repository's example file", () => {
    expect(loadToolsFile("tools.example.json").map((tool) => tool.type)).toEqual([
      "genie_space",
      "uc_function",
      "knowledge_assistant",
      "uc_connection",
    ]);
  });
});
