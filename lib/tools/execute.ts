import type { z } from "zod";
import { errorText } from "@/lib/shared/named-error";
import type { ToolRegistry } from "./registry";
import type { ClientTool } from "./types";

/** Long enough for any honest local tool; short enough that a stuck one does not stall the turn. */
export const DEFAULT_TOOL_TIMEOUT_MS = 10_000;
/** Tool output goes into every later request of the chat, so a runaway output would bloat them all. */
export const DEFAULT_MAX_OUTPUT_CHARS = 16 * 1024;

export interface FunctionCall {
  call_id: string;
  name: string;
  /** Normally the upstream's JSON string; an already-parsed object, `""` or nothing are accepted too. */
  arguments: unknown;
}

export interface ExecuteOptions {
  now?: () => Date;
  /** Cancels the call (e.g. the user pressed Stop); the result then says so instead of waiting. */
  signal?: AbortSignal;
  timeoutMs?: number;
  maxOutputChars?: number;
}

export interface FunctionCallResult {
  output: { type: "function_call_output"; call_id: string; output: string };
  /** False when the output is an error text for the model rather than the tool's answer. */
  ok: boolean;
  durationMs: number;
}

/**
 * Runs one `function_call` and answers with its `function_call_output`. Never throws and never waits longer than
 * the time limit: whatever goes wrong becomes an `Error: …` text the model can read and react to.
 */
export async function executeFunctionCall(
  registry: ToolRegistry,
  call: FunctionCall,
  options: ExecuteOptions = {},
): Promise<FunctionCallResult> {
  const startedAt = performance.now();
  const { text, ok } = await run(registry, call, options);
  return {
    output: {
      type: "function_call_output",
      call_id: call.call_id,
      output: capOutput(text, options.maxOutputChars ?? DEFAULT_MAX_OUTPUT_CHARS),
    },
    ok,
    durationMs: Math.round(performance.now() - startedAt),
  };
}

async function run(
  registry: ToolRegistry,
  call: FunctionCall,
  options: ExecuteOptions,
): Promise<{ text: string; ok: boolean }> {
  const tool = registry.get(call.name);
  if (!tool) return failure(`no client-side tool named ${JSON.stringify(call.name)} is available.`);
  const args = parseArguments(call.arguments, tool);
  if (!args.ok) return failure(`invalid arguments for ${tool.name}: ${args.reason}`);
  return runWithLimits(tool, args.value, options);
}

const failure = (message: string) => ({ text: `Error: ${message}`, ok: false });

function parseArguments(
  raw: unknown,
  tool: ClientTool,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  let value: unknown = raw;
  // Models send "" (or nothing) for a call without arguments; that means an empty object, not bad JSON.
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) value = {};
  else if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch (err) {
      return { ok: false, reason: `not valid JSON (${errorText(err)})` };
    }
  }
  const parsed = tool.args.safeParse(value);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, reason: describeIssues(parsed.error) };
}

/** "expression: Invalid input: expected string, received number; …" — one line the model can act on. */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message,
    )
    .join("; ");
}

async function runWithLimits(
  tool: ClientTool,
  args: unknown,
  options: ExecuteOptions,
): Promise<{ text: string; ok: boolean }> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const cancelled = options.signal;
  if (cancelled?.aborted) return failure(`${tool.name} was cancelled before it ran.`);
  // The tool gets its own signal so both a timeout and a cancelled turn tell it to stop.
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onCancel: (() => void) | undefined;
  try {
    return await new Promise<{ text: string; ok: boolean }>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error("timed out"));
        resolve(failure(`${tool.name} timed out after ${formatSeconds(timeoutMs)}.`));
      }, timeoutMs);
      onCancel = () => {
        controller.abort(cancelled?.reason);
        resolve(failure(`${tool.name} was cancelled before it finished.`));
      };
      cancelled?.addEventListener("abort", onCancel, { once: true });
      // Inside a then() so a synchronous throw is caught like a rejection.
      Promise.resolve()
        .then(() => tool.execute(args, { now: options.now ?? (() => new Date()), signal: controller.signal }))
        .then(
          (output) => resolve({ text: asText(output), ok: true }),
          (err: unknown) => resolve(failure(`${tool.name} failed: ${errorMessage(err)}`)),
        );
    });
  } finally {
    clearTimeout(timer);
    if (onCancel) cancelled?.removeEventListener("abort", onCancel);
  }
}

/** The type says string, but a tool written in haste may return anything; the model still needs text. */
function asText(output: unknown): string {
  if (typeof output === "string") return output;
  if (output === undefined) return "";
  try {
    return JSON.stringify(output) ?? String(output);
  } catch {
    return String(output);
  }
}

function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return typeof err === "string" ? err : asText(err);
}

function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Number((ms / 1000).toFixed(1))} s` : `${ms} ms`;
}

/** Cuts at `max` characters (never inside a surrogate pair) and says so, so the model knows it saw a part. */
export function capOutput(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}\n[output cut: showing the first ${end} of ${text.length} characters]`;
}
