import type { Clock } from "./types";

/**
 * Sleepers woken in one turn of the event loop, at most. Each wake-up is a run's next look (build and send a
 * request) or a word of a reveal: about a millisecond of work. Timers that fall due together (1,000 runs in one
 * process, or every timer late after a garbage collection) would otherwise all run in one timers phase and hold
 * the loop for hundreds of milliseconds, and with it every other request the process serves. Woken a batch per
 * turn, with I/O and timers in between, they cost a few milliseconds' delay each instead.
 */
export const WAKE_BATCH = 16;

const due: Array<() => void> = [];
let draining = false;

function wakeSoon(resolve: () => void) {
  due.push(resolve);
  if (!draining) {
    draining = true;
    setImmediate(wakeBatch);
  }
}

function wakeBatch() {
  // Their continuations run as microtasks right after this callback, still in this turn.
  for (const resolve of due.splice(0, WAKE_BATCH)) resolve();
  if (due.length > 0) setImmediate(wakeBatch);
  else draining = false;
}

/** The process's clock: real time, with sleepers woken in paced batches (WAKE_BATCH). */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted || ms <= 0) return resolve();
      const settle = () => {
        signal?.removeEventListener("abort", abort);
        resolve();
      };
      const timer = setTimeout(() => wakeSoon(settle), ms);
      // Cancelled sleeps (a heartbeat that lost its race, a Stop) are not work: they settle at once.
      const abort = () => {
        clearTimeout(timer);
        settle();
      };
      signal?.addEventListener("abort", abort, { once: true });
    }),
};
