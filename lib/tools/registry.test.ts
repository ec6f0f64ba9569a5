import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createToolRegistry, defaultToolRegistry } from "./registry";
import { type ClientTool, defineClientTool } from "./types";

const echo = defineClientTool({
  name: "echo",
  description: "Repeat the text",
  args: z.object({ text: z.string(), times: z.number().int().default(1) }),
  execute: ({ text, times }) => text.repeat(times),
});

describe("createToolRegistry", () => {
  it("describes each tool as a function definition with a JSON-schema object of parameters", () => {
    const registry = createToolRegistry([echo]);
    expect(registry.names()).toEqual(["echo"]);
    expect(registry.get("echo")).toBe(echo);
    const [definition] = registry.definitions();
    expect(definition).toEqual({
      type: "function",
      name: "echo",
      description: "Repeat the text",
      parameters: {
        type: "object",
        properties: {
          text: { type: "string" },
          times: { type: "integer", default: 1, minimum: expect.any(Number), maximum: expect.any(Number) },
        },
        // A defaulted field is the model's to leave out.
        required: ["text"],
      },
    });
    expect(definition?.parameters).not.toHaveProperty("$schema");
  });

  it("offers get_current_time and calculate by default", () => {
    const definitions = defaultToolRegistry.definitions();
    expect(defaultToolRegistry.names()).toEqual(["get_current_time", "calculate"]);
    const [time, calculate] = definitions;
    expect(time?.parameters).toMatchObject({
      type: "object",
      properties: { timezone: { type: ["string", "null"] } },
    });
    expect(time?.parameters.required).toBeUndefined();
    expect(calculate?.parameters).toMatchObject({
      type: "object",
      properties: { expression: { type: "string" } },
      required: ["expression"],
    });
  });

  it("hands out copies, so a caller cannot change what later requests send", () => {
    const first = defaultToolRegistry.definitions();
    (first[0]?.parameters as { type: string }).type = "string";
    expect(defaultToolRegistry.definitions()[0]?.parameters.type).toBe("object");
  });

  it("finds nothing for inherited object keys", () => {
    expect(defaultToolRegistry.get("constructor")).toBeUndefined();
    expect(defaultToolRegistry.get("__proto__")).toBeUndefined();
  });

  it("throws on duplicate names, invalid names and non-object arguments", () => {
    expect(() => createToolRegistry([echo, echo])).toThrow('Client tool "echo" is registered twice');
    expect(() => createToolRegistry([{ ...echo, name: "no spaces" } as ClientTool])).toThrow(/must match/);
    expect(() => createToolRegistry([{ ...echo, name: "x".repeat(65) } as ClientTool])).toThrow(/must match/);
    expect(() => createToolRegistry([{ ...echo, name: "" } as ClientTool])).toThrow(/must match/);
    expect(() => createToolRegistry([{ ...echo, args: z.string() } as ClientTool])).toThrow(
      /must take an object of arguments/,
    );
  });
});
