import { z } from "zod";
import type { ChatMessage } from "./chat";
import { type ChatUsage, type TokenUsage, usageOf } from "./usage-text";

export * from "./usage-text";

const count = z.number().int().nonnegative();

/** The Responses API `usage` object; anything else (null, a partial object, strings) reports nothing. */
const responseUsageSchema = z.object({
  input_tokens: count,
  output_tokens: count,
  input_tokens_details: z.object({ cached_tokens: count }).nullish().catch(undefined),
  output_tokens_details: z.object({ reasoning_tokens: count }).nullish().catch(undefined),
});

/** The token counts an upstream response reports in `usage`, or undefined when it reports none. */
export function responseTokens(
  response: { readonly [field: string]: unknown } | undefined,
): TokenUsage | undefined {
  const parsed = responseUsageSchema.safeParse(response?.usage);
  if (!parsed.success) return undefined;
  const usage = parsed.data;
  return {
    input: usage.input_tokens,
    output: usage.output_tokens,
    ...(usage.output_tokens_details ? { reasoning: usage.output_tokens_details.reasoning_tokens } : {}),
    ...(usage.input_tokens_details ? { cached: usage.input_tokens_details.cached_tokens } : {}),
  };
}

/** Two token tallies added; a detail stays absent only when neither side has it. */
export function addTokens(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a || !b) return a ?? b;
  const detail = (x?: number, y?: number) =>
    x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0);
  const reasoning = detail(a.reasoning, b.reasoning);
  const cached = detail(a.cached, b.cached);
  return {
    input: a.input + b.input,
    output: a.output + b.output,
    ...(reasoning === undefined ? {} : { reasoning }),
    ...(cached === undefined ? {} : { cached }),
  };
}

/** Several cycles' token counts summed (see TokenUsage). */
export function sumTokens(cycles: ReadonlyArray<TokenUsage | undefined>): TokenUsage | undefined {
  return cycles.reduce<TokenUsage | undefined>(addTokens, undefined);
}

/**
 * A chat's totals, from its stored answers. `runningId`: an answer still being written, counted as an answer
 * only (its stored usage is a snapshot).
 */
export function chatUsage(messages: readonly ChatMessage[], runningId?: string): ChatUsage {
  const answers = messages.filter((message) => message.role === "assistant");
  const usages = answers.flatMap((message) => (message.id === runningId ? [] : (usageOf(message) ?? [])));
  return {
    answers: answers.length,
    measured: usages.length,
    durationMs: usages.reduce((sum, u) => sum + u.durationMs, 0),
    cycles: usages.reduce((sum, u) => sum + u.cycles, 0),
    toolCalls: usages.reduce((sum, u) => sum + u.toolCalls, 0),
    ...withTokens(sumTokens(usages.map((u) => u.tokens))),
  };
}

function withTokens(tokens: TokenUsage | undefined) {
  return tokens ? { tokens } : {};
}
