// Turns a timeline into the output items visible at one instant. Pure: same inputs, same items.

import { type ItemPrefix, itemId } from "./ids";
import { countWords } from "./input";
import type { Step, Timeline } from "./timeline";
import type { EmulatorFlavor, JsonObject } from "./types";

export interface RenderContext {
  flavor: EmulatorFlavor;
  hex: string;
  /** Output position of the first new item: new items come after the echoed ones. */
  firstPosition: number;
}

/** How an item is shown: still being written, finished, or frozen where a failure cut it off. */
type Phase = { kind: "partial"; elapsedMs: number } | { kind: "final" } | { kind: "cut"; elapsedMs: number };

export interface Rendered {
  items: JsonObject[];
  /** Words produced so far, for `usage.output_tokens`. */
  outputWords: number;
  /** Words of the reasoning summaries among them, for `usage.output_tokens_details.reasoning_tokens`. */
  reasoningWords: number;
  /** The last item is still being written (it will change); every earlier item is final. */
  lastOpen: boolean;
}

/** Items visible `inProgressMs` after the run left the queue (Infinity = the end of the run). */
export function renderSteps(timeline: Timeline, inProgressMs: number, context: RenderContext): Rendered {
  const failAt = timeline.outcome.status === "failed" ? timeline.outcome.atMs : Number.POSITIVE_INFINITY;
  const at = Math.min(inProgressMs, failAt);
  const failed = inProgressMs >= failAt;
  const positions = stepPositions(timeline.steps, context.firstPosition);
  const items: JsonObject[] = [];
  let outputWords = 0;
  let reasoningWords = 0;
  let lastOpen = false;
  let start = 0;
  for (const [index, step] of timeline.steps.entries()) {
    const end = start + step.ms;
    let phase: Phase | undefined;
    if (at >= end) phase = { kind: "final" };
    else if (at >= start)
      phase = failed ? { kind: "cut", elapsedMs: at - start } : { kind: "partial", elapsedMs: at - start };
    if (!phase) break;
    const position = positions[index];
    if (step.kind !== "wait" && position !== undefined) {
      const item = renderItem(step, phase, position, timeline.steps, positions, context);
      if (item) {
        items.push(item.json);
        outputWords += item.words;
        if (step.kind === "reasoning") reasoningWords += item.words;
        lastOpen = phase.kind === "partial";
      }
    }
    if (phase.kind !== "final") break;
    start = end;
  }
  return { items, outputWords, reasoningWords, lastOpen };
}

/** Output position of every item-producing step (undefined for waits). */
function stepPositions(steps: Step[], first: number): Array<number | undefined> {
  let next = first;
  return steps.map((step) => (step.kind === "wait" ? undefined : next++));
}

function renderItem(
  step: Exclude<Step, { kind: "wait" }>,
  phase: Phase,
  position: number,
  steps: Step[],
  positions: Array<number | undefined>,
  { flavor, hex }: RenderContext,
): { json: JsonObject; words: number } | undefined {
  const finished = phase.kind === "final";
  // Quirk 2 in docs/upstreams.md: Databricks shows the item being produced with `id: null`; OpenAI gives it its id at once.
  const idFor = (prefix: ItemPrefix): string | null =>
    phase.kind === "partial" && flavor === "databricks" ? null : itemId(prefix, hex, position);
  const status = phase.kind === "final" ? "completed" : phase.kind === "cut" ? "incomplete" : "in_progress";

  switch (step.kind) {
    case "message": {
      const text = finished ? step.text : prefix(step.text, phase.elapsedMs / step.ms);
      const json = {
        type: "message",
        id: idFor("msg"),
        role: "assistant",
        status: finished ? (step.end ?? "completed") : status,
        content: [{ type: "output_text", text, annotations: [] }],
      };
      return { json, words: countWords(text) };
    }
    case "reasoning": {
      const text = finished ? step.text : prefix(step.text, phase.elapsedMs / step.ms);
      const json = { type: "reasoning", id: idFor("rs"), summary: [{ type: "summary_text", text }], status };
      return { json, words: countWords(text) };
    }
    case "function_call": {
      const queued = phase.kind !== "final" && phase.elapsedMs < step.queuedMs;
      const args = finished
        ? step.arguments
        : queued
          ? ""
          : prefix(step.arguments, (phase.elapsedMs - step.queuedMs) / (step.ms - step.queuedMs));
      const json = {
        type: "function_call",
        id: idFor("fc"),
        call_id: itemId("call", hex, position),
        name: step.name,
        arguments: args,
        // Databricks reports a tool call it has not started as `queued`; OpenAI has no such item status.
        status: queued && flavor === "databricks" && phase.kind === "partial" ? "queued" : status,
      };
      return { json, words: countWords(args) };
    }
    case "function_call_output": {
      // A tool's output appears whole once the tool returns; a failure before that leaves no trace.
      if (!finished) return undefined;
      const callPosition = positions[step.callStep];
      if (callPosition === undefined) throw new Error(`Step ${step.callStep} is not a function_call step`);
      const callStep = steps[step.callStep];
      if (callStep?.kind !== "function_call")
        throw new Error(`Step ${step.callStep} is not a function_call step`);
      // Databricks omits the id of function_call_output items; OpenAI-style servers give every item one.
      const id = flavor === "openai" ? { id: itemId("fco", hex, position) } : {};
      const json = {
        type: "function_call_output",
        ...id,
        call_id: itemId("call", hex, callPosition),
        output: step.output,
      };
      return { json, words: 0 };
    }
    case "item": {
      // Without a partial version the item appears whole when its step ends (a tool list, an approval request).
      const shown = finished ? step.item : step.partial;
      if (!shown) return undefined;
      const { type, ...fields } = shown;
      const json = { type, id: idFor(step.prefix), ...fields };
      return { json, words: typeof shown.output === "string" ? countWords(shown.output) : 0 };
    }
  }
}

/** The first `fraction` of a text, never splitting a surrogate pair. */
export function prefix(text: string, fraction: number): string {
  let cut = Math.floor(text.length * Math.max(0, Math.min(1, fraction)));
  const code = text.charCodeAt(cut - 1);
  if (cut > 0 && code >= 0xd800 && code <= 0xdbff) cut--;
  return text.slice(0, cut);
}
