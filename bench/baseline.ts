// The comparison for `npm run bench`: the Databricks background-mode recipe as a plain loop. Wait 1 s after
// create, then retrieve every 2 s (a fixed sleep after each look) until the response is terminal; each finished
// item is sent as soon as a retrieve shows it (generous to the baseline: the recipe's simplest form waits for
// the end), and finished text is revealed one word per event with a 10 ms pause between words.

import type { BackgroundClient, Clock, EchoFilter } from "@/lib/background";
import { takeNewItems } from "@/lib/background/cursor";
import { isMessageItem, isTerminalStatus, messageText, type UpstreamItem } from "@/lib/shared/upstream";

export const BASELINE_FIRST_WAIT_MS = 1000;
export const BASELINE_INTERVAL_MS = 2000;
export const BASELINE_WORD_PAUSE_MS = 10;

const WORD = /\s*\S+\s*/g;

/** The recipe's clock: a plain `setTimeout` per sleep (the app's `systemClock` wakes its sleepers in paced batches). */
export const timerClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener("abort", done, { once: true });
    }),
};

/** One word per event, `BASELINE_WORD_PAUSE_MS` between events. */
export async function* baselineReveal(
  text: string,
  clock: Clock,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  const words = text.match(WORD) ?? [];
  for (let i = 0; i < words.length; i++) {
    if (i > 0) await clock.sleep(BASELINE_WORD_PAUSE_MS, signal);
    yield words[i] as string;
  }
}

export type BaselineEvent =
  /** An item starts being sent (for a message, together with its first word). */
  | { type: "item"; item: UpstreamItem; index: number }
  | { type: "delta"; index: number; delta: string }
  | { type: "end"; status: string; polls: number };

export interface BaselineOptions {
  client: BackgroundClient;
  clock: Clock;
  responseId: string;
  echo: EchoFilter;
  signal?: AbortSignal;
}

export async function* baselinePoll(options: BaselineOptions): AsyncGenerator<BaselineEvent> {
  const { client, clock, responseId, echo, signal } = options;
  let cursor = 0;
  let polls = 0;
  await clock.sleep(BASELINE_FIRST_WAIT_MS, signal);
  for (;;) {
    const response = await client.retrieve(responseId, { signal });
    polls += 1;
    const terminal = isTerminalStatus(response.status);
    const fresh = takeNewItems(response.output ?? [], cursor, echo, terminal);
    cursor = fresh.cursor;
    for (const { item, index } of fresh.items) {
      yield { type: "item", item, index };
      if (isMessageItem(item)) {
        for await (const delta of baselineReveal(messageText(item), clock, signal)) {
          yield { type: "delta", index, delta };
        }
      }
    }
    if (terminal) {
      yield { type: "end", status: response.status, polls };
      return;
    }
    await clock.sleep(BASELINE_INTERVAL_MS, signal);
  }
}
