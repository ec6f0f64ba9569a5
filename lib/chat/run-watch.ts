import type { BackgroundClient, Clock } from "@/lib/background";
import type { ChatStore } from "@/lib/db/chat-store";

/** Why the stored run ended this stream's polling. */
export type WatchStop = "cancelled" | "gone";

export interface RunWatch {
  /** Aborts with a WatchStop reason when the stored run was stopped elsewhere or is no longer the chat's run. */
  signal: AbortSignal;
  /** The client with every retrieve counted towards the run's stored poll count. */
  client: BackgroundClient;
  /** End the watch and store the polls not yet counted. */
  close(): Promise<void>;
}

/** The watch re-reads the run at most this often, whatever the poll interval. */
const MIN_WATCH_INTERVAL_MS = 1000;

/**
 * Re-read the run's stored state while a stream polls it. Stop on another server instance reaches this
 * process's loop only through the database; without this it would poll on until its stream budget ran out.
 * Each check also adds the retrieves made since the last one to the run's poll count (one light UPDATE).
 */
export function watchStoredRun(options: {
  store: ChatStore;
  client: BackgroundClient;
  clock: Clock;
  chatId: string;
  runId: string;
  intervalMs: number;
}): RunWatch {
  const { store, clock, chatId, runId } = options;
  const stop = new AbortController();
  const done = new AbortController();
  let uncounted = 0;
  const take = () => {
    const polls = uncounted;
    uncounted = 0;
    return polls;
  };
  const interval = Math.max(options.intervalMs, MIN_WATCH_INTERVAL_MS);

  const loop = (async () => {
    while (!done.signal.aborted && !stop.signal.aborted) {
      await clock.sleep(interval, done.signal);
      if (done.signal.aborted) return;
      const check = await store.checkRun(chatId, runId, take()).catch(() => "unknown" as const);
      if (check === "unknown") continue; // the database hiccuped: keep polling, look again next time
      if (!check) stop.abort("gone" satisfies WatchStop);
      else if (check.state === "cancelled") stop.abort("cancelled" satisfies WatchStop);
    }
  })();

  const client: BackgroundClient = {
    ...(options.client.streaming ? { streaming: options.client.streaming } : {}),
    create: (body, opts) => options.client.create(body, opts),
    retrieve: (responseId, opts) => {
      uncounted += 1;
      return options.client.retrieve(responseId, opts);
    },
    cancel: (responseId) => options.client.cancel(responseId),
  };

  return {
    signal: stop.signal,
    client,
    async close() {
      done.abort();
      await loop;
      const polls = take();
      if (polls > 0) await store.checkRun(chatId, runId, polls).catch(() => undefined);
    },
  };
}
