// What the concurrency bench's app run and baseline run share: the questions (one per chat, tagged so each
// streamed answer can be matched with the emulator's stored one) and the pace at which runs are started.

import { letters } from "@/emulator/question-tags";

/** Runs are started this many per second (not all in one tick): creating a chat is real work in the app. */
export const STARTS_PER_SECOND = 50;

/** The question of run `index`: the emulator's plain scenario, which quotes the question in its answer. */
export function questionFor(index: number): string {
  return `Hello, what can you do for me? concx${letters(index)}`;
}

/** When run `index` starts, in ms after the first. */
export function startOffsetMs(index: number): number {
  return (index * 1000) / STARTS_PER_SECOND;
}

/** What a driver (the bench's HTTP client, or the baseline process) reports about its runs. */
export type DriverEvent =
  | { type: "in-flight"; index: number }
  | { type: "done"; index: number; ok: boolean; text: string; error?: string };
