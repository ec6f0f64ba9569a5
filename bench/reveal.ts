// Benchmark 2: sending a finished answer. Ours is `revealText` (bounded, one delta per frame); the baseline sends
// one word per event with a 10 ms pause. Both on the real clock, timed from the call (the moment the finished text
// is in hand) to the first delta and to the last.

import { systemClock } from "@/lib/background";
import { revealText } from "@/lib/stream/reveal";
import { baselineReveal, timerClock } from "./baseline";
import type { Engine } from "./lag";

export interface RevealResult {
  engine: Engine;
  words: number;
  firstDeltaMs: number;
  totalMs: number;
  deltas: number;
}

/** An answer of exactly `words` words: sentences and paragraphs. */
export function answerOfWords(words: number): string {
  const vocabulary = [
    "revenue",
    "grew",
    "in",
    "the",
    "west",
    "region",
    "by",
    "12%",
    "while",
    "costs",
    "fell",
    "**sharply**",
  ];
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const word = vocabulary[i % vocabulary.length] as string;
    const end = i === words - 1 ? "." : i % 120 === 119 ? ".\n\n" : i % 15 === 14 ? ". " : " ";
    out.push(word + end);
  }
  return out.join("");
}

export async function measureReveal(engine: Engine, words: number): Promise<RevealResult> {
  const text = answerOfWords(words);
  const startedAt = performance.now();
  let firstDeltaMs = -1;
  let deltas = 0;
  let sent = "";
  const iterable =
    engine === "ours" ? revealText(text, { clock: systemClock }) : baselineReveal(text, timerClock);
  for await (const delta of iterable) {
    if (firstDeltaMs < 0) firstDeltaMs = performance.now() - startedAt;
    deltas += 1;
    sent += delta;
  }
  const totalMs = performance.now() - startedAt;
  if (sent !== text) throw new Error(`${engine} reveal of ${words} words did not send the text exactly`);
  return { engine, words, firstDeltaMs, totalMs, deltas };
}
