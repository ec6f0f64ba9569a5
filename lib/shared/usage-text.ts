// What usage is, how it is read from a stored answer and how it reads, for the page and the server alike.
// Without the schema library (usage.ts, the server's side, uses it): every chat page shows usage.

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

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

function tokensOf(value: unknown): TokenUsage | undefined {
  if (!isRecord(value)) return undefined;
  const { input, output, reasoning, cached } = value;
  if (!isCount(input) || !isCount(output)) return undefined;
  if ((reasoning !== undefined && !isCount(reasoning)) || (cached !== undefined && !isCount(cached))) {
    return undefined;
  }
  return {
    input,
    output,
    ...(reasoning === undefined ? {} : { reasoning }),
    ...(cached === undefined ? {} : { cached }),
  };
}

/**
 * The usage stored with an answer, or undefined (a user message, an answer from before usage was kept, or
 * anything not shaped as AnswerUsage): only its own fields, each a whole count.
 */
export function usageOf(message: Pick<ChatMessage, "metadata"> | undefined): AnswerUsage | undefined {
  const usage = (message?.metadata as { usage?: unknown } | undefined)?.usage;
  if (!isRecord(usage)) return undefined;
  const { durationMs, cycles, toolCalls, tokens: rawTokens } = usage;
  if (!isCount(durationMs) || !isCount(cycles) || !isCount(toolCalls)) return undefined;
  if (rawTokens === undefined) return { durationMs, cycles, toolCalls };
  const tokens = tokensOf(rawTokens);
  return tokens ? { durationMs, cycles, toolCalls, tokens } : undefined;
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
