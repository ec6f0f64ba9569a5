import type { UpstreamItem, UpstreamResponse } from "@/lib/shared/upstream";
import type { BackgroundClient, Clock } from "./types";

/**
 * A clock whose sleep advances time at once: hours of polling run in microseconds. A sleep first yields to
 * the event loop, so work that is already done (a scripted retrieve) wins a race against it, as it would in
 * real time; `at(ms)` resolves once fake time has reached `ms` past the start, to script slow upstreams.
 */
export function fakeClock(start = 1_000_000): Clock & { sleeps: number[]; at(ms: number): Promise<void> } {
  let now = start;
  const sleeps: number[] = [];
  const waiters: Array<{ time: number; resolve: () => void }> = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms, signal) => {
      await new Promise((resolve) => setImmediate(resolve));
      if (signal?.aborted) return;
      sleeps.push(ms);
      now += ms;
      for (const waiter of waiters.filter((w) => w.time <= now)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    at: (ms) => new Promise<void>((resolve) => waiters.push({ time: start + ms, resolve })),
  };
}

type Step = UpstreamResponse | Error | ((call: number) => UpstreamResponse | Error);

/** An upstream that answers retrieve with a script; the last step repeats. */
export function scriptedClient(steps: Step[], created?: UpstreamResponse) {
  const calls = { create: [] as unknown[], retrieve: 0, cancel: 0 };
  const client: BackgroundClient = {
    create: async (body) => {
      calls.create.push(body);
      if (!created) throw new Error("no create scripted");
      return created;
    },
    retrieve: async () => {
      const step = steps[Math.min(calls.retrieve, steps.length - 1)] as Step;
      calls.retrieve += 1;
      const value = typeof step === "function" ? step(calls.retrieve) : step;
      if (value instanceof Error) throw value;
      return structuredClone(value);
    },
    cancel: async () => {
      calls.cancel += 1;
      return response("cancelled", []);
    },
  };
  return { client, calls };
}

export function response(status: string, output: UpstreamItem[], extra: Partial<UpstreamResponse> = {}) {
  return { id: "resp_1", status, output, ...extra } as UpstreamResponse;
}

export function message(id: string | null, text: string, status = "completed"): UpstreamItem {
  return {
    type: "message",
    id,
    role: "assistant",
    status,
    content: [{ type: "output_text", text, annotations: [] }],
  };
}

/** An error shaped like the openai SDK's APIError. */
export function httpError(status: number, message: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`${status} ${message}`), {
    status,
    error: { message },
    headers: new Headers(headers),
  });
}
