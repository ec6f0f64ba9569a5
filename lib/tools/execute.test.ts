import { describe, expect, it } from "vitest";
import { z } from "zod";
import { capOutput, executeFunctionCall } from "./execute";
import { createToolRegistry, defaultToolRegistry } from "./registry";
import { type ClientTool, defineClientTool } from "./types";

const now = () => new Date("2026-11-24T08:05:00Z");
const call = (name: string, args: unknown) => ({ call_id: "call_1", name, arguments: args });

const tool = (overrides: Partial<ClientTool>): ClientTool => ({
  name: "test_tool",
  description: "A tool for tests",
  args: z.object({}),
  execute: () => "ok",
  ...overrides,
});

describe("executeFunctionCall", () => {
  it("runs the tool and answers with a function_call_output", async () => {
    const result = await executeFunctionCall(
      defaultToolRegistry,
      call("calculate", '{"expression":"17 * 23 + 4"}'),
    );
    expect(result).toEqual({
      output: { type: "function_call_output", call_id: "call_1", output: "395" },
      ok: true,
      durationMs: expect.any(Number),
    });
  });

  it("passes the clock through", async () => {
    const result = await executeFunctionCall(
      defaultToolRegistry,
      call("get_current_time", '{"timezone":"Asia/Tokyo"}'),
      {
        now,
      },
    );
    expect(result.output.output).toBe("Tuesday, 24 November 2026, 17:05 (Asia/Tokyo, UTC+09:00)");
  });

  it("treats empty or missing arguments as an empty object, and accepts parsed ones", async () => {
    for (const args of ["", undefined, null, {}]) {
      const result = await executeFunctionCall(defaultToolRegistry, call("get_current_time", args), { now });
      expect(result.output.output).toContain("(UTC, UTC+00:00)");
    }
    const parsed = await executeFunctionCall(defaultToolRegistry, call("calculate", { expression: "2^10" }));
    expect(parsed.output.output).toBe("1024");
  });

  it("answers an unknown tool with an error text", async () => {
    const result = await executeFunctionCall(defaultToolRegistry, call("launch_rockets", "{}"));
    expect(result.ok).toBe(false);
    expect(result.output).toEqual({
      type: "function_call_output",
      call_id: "call_1",
      output: 'Error: no client-side tool named "launch_rockets" is available.',
    });
  });

  it("answers arguments that are not JSON with the parser's reason", async () => {
    const result = await executeFunctionCall(defaultToolRegistry, call("calculate", "{expression: 1"));
    expect(result.ok).toBe(false);
    expect(result.output.output).toMatch(/^Error: invalid arguments for calculate: not valid JSON \(.+\)$/);
  });

  it("answers arguments that fail the schema with the field and reason", async () => {
    const wrongType = await executeFunctionCall(defaultToolRegistry, call("calculate", '{"expression": 42}'));
    expect(wrongType.ok).toBe(false);
    expect(wrongType.output.output).toBe(
      "Error: invalid arguments for calculate: expression: Invalid input: expected string, received number",
    );
    const notObject = await executeFunctionCall(defaultToolRegistry, call("calculate", "[1]"));
    expect(notObject.output.output).toMatch(/^Error: invalid arguments for calculate: .*expected object/);
    const badZone = await executeFunctionCall(
      defaultToolRegistry,
      call("get_current_time", '{"timezone":"Moon/Base"}'),
    );
    expect(badZone.output.output).toMatch(
      /^Error: invalid arguments for get_current_time: timezone: unknown time zone/,
    );
  });

  it("answers a tool that throws, synchronously or not, with its message", async () => {
    const calculation = await executeFunctionCall(
      defaultToolRegistry,
      call("calculate", '{"expression":"1/0"}'),
    );
    expect(calculation).toMatchObject({
      ok: false,
      output: { output: "Error: calculate failed: division by zero at position 2" },
    });
    const registry = createToolRegistry([
      tool({
        name: "sync_throw",
        execute: () => {
          throw new Error("disk on fire");
        },
      }),
      tool({ name: "async_throw", execute: async () => Promise.reject("plain string") }),
    ]);
    expect((await executeFunctionCall(registry, call("sync_throw", "{}"))).output.output).toBe(
      "Error: sync_throw failed: disk on fire",
    );
    expect((await executeFunctionCall(registry, call("async_throw", "{}"))).output.output).toBe(
      "Error: async_throw failed: plain string",
    );
  });

  it("gives up on a tool that never answers and tells it to stop", async () => {
    let seenSignal: AbortSignal | undefined;
    const registry = createToolRegistry([
      tool({
        name: "stuck",
        execute: (_args, { signal }) => {
          seenSignal = signal;
          return new Promise<string>(() => {});
        },
      }),
    ]);
    const result = await executeFunctionCall(registry, call("stuck", "{}"), { timeoutMs: 20 });
    expect(result.ok).toBe(false);
    expect(result.output.output).toBe("Error: stuck timed out after 20 ms.");
    expect(seenSignal?.aborted).toBe(true);
  });

  it("stops waiting when the turn is cancelled", async () => {
    const registry = createToolRegistry([
      tool({ name: "stuck", execute: () => new Promise<string>(() => {}) }),
    ]);
    const controller = new AbortController();
    const pending = executeFunctionCall(registry, call("stuck", "{}"), { signal: controller.signal });
    controller.abort();
    expect((await pending).output.output).toBe("Error: stuck was cancelled before it finished.");
    const already = await executeFunctionCall(registry, call("stuck", "{}"), { signal: controller.signal });
    expect(already.output.output).toBe("Error: stuck was cancelled before it ran.");
  });

  it("caps long output and says so", async () => {
    const registry = createToolRegistry([tool({ name: "chatty", execute: () => "x".repeat(50) })]);
    const result = await executeFunctionCall(registry, call("chatty", "{}"), { maxOutputChars: 10 });
    expect(result.ok).toBe(true);
    expect(result.output.output).toBe(
      `${"x".repeat(10)}\n[output cut: showing the first 10 of 50 characters]`,
    );
    const big = createToolRegistry([tool({ name: "huge", execute: () => "y".repeat(100_000) })]);
    expect((await executeFunctionCall(big, call("huge", "{}"))).output.output.length).toBeLessThan(16_500);
  });

  it("turns a non-string result into text", async () => {
    const registry = createToolRegistry([
      defineClientTool({
        name: "sloppy",
        description: "",
        args: z.object({}),
        execute: () => ({ a: 1 }) as unknown as string,
      }) as ClientTool,
    ]);
    expect((await executeFunctionCall(registry, call("sloppy", "{}"))).output.output).toBe('{"a":1}');
  });
});

describe("capOutput", () => {
  it("never splits a surrogate pair", () => {
    expect(capOutput("ab😀cd", 3)).toBe("ab\n[output cut: showing the first 2 of 6 characters]");
    expect(capOutput("short", 10)).toBe("short");
  });
});
