import { z } from "zod";
import type { ChatMessage } from "./chat";

/**
 * Token counts of an answer, summed over the upstream responses that reported `usage`. `reasoning` and `cached`
 * are present only when at least one of them reported that detail (Databricks may leave the detail objects out),
 * and then sum what was reported: a count the upstream never gave is never shown as zero.
 */
export interface TokenUsage {
  input: number;
  output: number;
  reasoning?: number;
  cached?: number;
}

/**
 * What one answer cost, stored in its message's `metadata.usage` (so a reload and the export show it too).
 * - `durationMs`: the run time of the answer's runs that ended, each from its stored start to its end (an
 *   approval's follow-up is a run of its own; the time the card waited for the person is not counted).
 * - `cycles`: upstream responses the runs created (the turn's, one per app function-tool round, one per
 *   approval follow-up or retry), counted when the upstream accepted them, so a stopped one counts too.
 * - `toolCalls`: the answer's tool cards (every call the agent made, an approval request included).
 * - `tokens`: absent when no response of the answer reported usage.
 */
export interface AnswerUsage {
  durationMs: number;
  cycles: number;
  toolCalls: number;
  tokens?: TokenUsage;
}

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

const tokenUsageSchema = z.object({
  input: count,
  output: count,
  reasoning: count.optional(),
  cached: count.optional(),
});
const answerUsageSchema = z.object({
  durationMs: count,
  cycles: count,
  toolCalls: count,
  tokens: tokenUsageSchema.optional(),
});

/** The usage stored with an answer, or undefined (a user message, an answer from before usage was kept). */
export function usageOf(message: Pick<ChatMessage, "metadata"> | undefined): AnswerUsage | undefined {
  const metadata = message?.metadata as { usage?: unknown } | undefined;
  const parsed = answerUsageSchema.safeParse(metadata?.usage);
  return parsed.success ? parsed.data : undefined;
}

/** A chat's totals, from its stored answers. */
export interface ChatUsage {
  answers: number;
  /** Answers with usage stored: the others (still running, or older) add nothing to the sums below. */
  measured: number;
  durationMs: number;
  cycles: number;
  toolCalls: number;
  tokens?: TokenUsage;
}

/** `runningId`: an answer still being written, counted as an answer only (its stored usage is a snapshot). */
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

/** "1,234": token counts read better grouped. */
export function formatCount(n: number): string {
  return n.toLocaleString("en-US");
}

/** A run time to the tenth of a second under a minute ("4.2 s"), else minutes and seconds ("2m 05s"). */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
}

/** The token counts in words: "1,200 in (800 cached) · 300 out (120 reasoning)". */
export function describeTokens(tokens: TokenUsage): string {
  const input = `${formatCount(tokens.input)} in${tokens.cached === undefined ? "" : ` (${formatCount(tokens.cached)} cached)`}`;
  const output = `${formatCount(tokens.output)} out${tokens.reasoning === undefined ? "" : ` (${formatCount(tokens.reasoning)} reasoning)`}`;
  return `${input} · ${output}`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** The answer's usage line: "4.2 s · 2 cycles · 3 tool calls · 1,200 tokens". */
export function usageSummary(usage: AnswerUsage): string {
  return [
    formatDuration(usage.durationMs),
    plural(usage.cycles, "cycle"),
    plural(usage.toolCalls, "tool call"),
    ...(usage.tokens ? [plural(usage.tokens.input + usage.tokens.output, "token")] : []),
  ].join(" · ");
}

/** The chat's totals in a line: "3 answers · 5 tool calls · 12.0 s · 4,000 tokens". */
export function chatUsageSummary(usage: ChatUsage): string {
  return [
    plural(usage.answers, "answer"),
    plural(usage.toolCalls, "tool call"),
    formatDuration(usage.durationMs),
    ...(usage.tokens ? [plural(usage.tokens.input + usage.tokens.output, "token")] : []),
  ].join(" · ");
}
