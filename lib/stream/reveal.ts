import type { Clock } from "@/lib/background";
import type { RevealSpeed } from "@/lib/shared/chat";

export interface RevealOptions {
  clock: Clock;
  /** Upper bound for the whole reveal, however long the text: a 6,000-word answer must not take a minute. */
  maxMs?: number;
  /** Pace for short texts, so a reply still reads as typed. */
  msPerWord?: number;
  /** One delta per frame, not per word: a frame carries as many words as are due. */
  frameMs?: number;
  signal?: AbortSignal;
}

const WORD = /\s*\S+\s*/g;

/**
 * The pacing of each reveal speed a person may choose. `instant`: the whole text in one delta (for people who
 * find moving text hard to read, or just want it). `slow`: twice the time per word, bounded at 6 s.
 */
const PACING: Record<RevealSpeed, Pick<RevealOptions, "maxMs" | "msPerWord">> = {
  instant: { maxMs: 0, msPerWord: 0 },
  normal: {},
  slow: { maxMs: 6_000, msPerWord: 12 },
};

export function revealPacing(speed: RevealSpeed = "normal"): Pick<RevealOptions, "maxMs" | "msPerWord"> {
  return PACING[speed];
}

/**
 * Bench-only: `BENCH_REVEAL=baseline` (set by `npm run bench -- browser` on a server of its own, never in
 * production) paces every reveal like the fixed-poll baseline, one word per event with a 10 ms pause, so the
 * browser can be measured under the baseline's delivery. Anything else: our pacing.
 */
export function benchRevealPacing(
  env: Record<string, string | undefined> = process.env,
): Pick<RevealOptions, "maxMs" | "msPerWord" | "frameMs"> {
  return env.BENCH_REVEAL === "baseline"
    ? { maxMs: Number.POSITIVE_INFINITY, msPerWord: 10, frameMs: 10 }
    : {};
}

/**
 * Finished text arrives all at once from a background poll; reveal it as word deltas in bounded time
 * (min(words × msPerWord, maxMs)). The deltas concatenate to exactly the input.
 */
export async function* revealText(text: string, options: RevealOptions): AsyncGenerator<string> {
  const { clock, maxMs = 1500, msPerWord = 6, frameMs = 30, signal } = options;
  const words = text.match(WORD) ?? [];
  if (words.length === 0) {
    if (text) yield text;
    return;
  }
  const consumed = words.join("").length;
  const totalMs = Math.min(maxMs, words.length * msPerWord);
  const frames = Math.max(1, Math.ceil(totalMs / frameMs));
  const perFrame = Math.ceil(words.length / frames);
  for (let start = 0; start < words.length; start += perFrame) {
    if (start > 0) await clock.sleep(frameMs, signal);
    let delta = words.slice(start, start + perFrame).join("");
    if (start + perFrame >= words.length) delta += text.slice(consumed); // trailing text the pattern did not match
    yield delta;
  }
}
