// Fault injection: upstream failures on purpose, so the app's retry paths can be exercised and soaked.
// Faults are decided per request before it touches the stored responses, and never change them: a failed
// retrieve does not advance anything (the run progresses by the clock alone), a failed create creates nothing,
// a failed cancel cancels nothing. All randomness comes from a seeded generator, so a run can be repeated.

import { seededRandom } from "./random";
import type { FaultKind, FaultOperation, FaultOptions, FaultTable, LatencyRange } from "./types";

/** In the order a single draw walks them: one draw per request picks at most one kind. */
export const FAULT_KINDS: readonly FaultKind[] = ["503", "429", "reset", "malformed", "slow"];
export const FAULT_OPERATIONS: readonly FaultOperation[] = ["create", "retrieve", "cancel"];

/** Request header that replaces the configured fault rates for one request: `none`, or `[op:]kind=rate,…`. */
export const FAULTS_HEADER = "x-emulator-faults";

export const DEFAULT_RETRY_AFTER_SECONDS = 1;
export const DEFAULT_SLOW_MS = 2_000;

export interface FaultStats {
  /** Requests seen per operation (those that reached a route and passed auth). */
  requests: Record<FaultOperation, number>;
  /** Faults injected, keyed `op:kind`, e.g. `retrieve:503`. */
  injected: Record<string, number>;
}

export interface FaultDecision {
  kind?: FaultKind;
  /** Added latency before answering, in ms (0 when none is configured). */
  delayMs: number;
}

/**
 * Parses `[op[@scenario]:]kind=rate` rules separated by commas, e.g.
 * `retrieve:503=0.1,retrieve:reset=0.05,retrieve@multi-step:429=0.3`. Without `op`, the rule applies to
 * `defaultOperation` (the header's own request) or, when none is given, is an error: create is never faulted
 * unless named.
 */
export function parseFaultRules(
  text: string,
  where: string,
  defaultOperation?: FaultOperation,
): Pick<FaultOptions, "rates" | "scenarios"> {
  const rates: FaultTable = {};
  const scenarios: Record<string, FaultTable> = {};
  for (const raw of text.split(",")) {
    const rule = raw.trim();
    if (!rule) continue;
    const match = /^(?:([a-z]+)(?:@([a-z0-9-]+))?:)?([a-z0-9]+)=([0-9.eE+-]+)$/i.exec(rule);
    if (!match) {
      throw new Error(
        `${where}: cannot read ${JSON.stringify(rule)}; write op:kind=rate, e.g. retrieve:503=0.1 ` +
          `(ops: ${FAULT_OPERATIONS.join(", ")}; kinds: ${FAULT_KINDS.join(", ")}).`,
      );
    }
    const [, opText, scenario, kindText, rateText] = match;
    const op = (opText?.toLowerCase() ?? defaultOperation) as FaultOperation | undefined;
    if (!op || !FAULT_OPERATIONS.includes(op)) {
      throw new Error(
        `${where}: ${JSON.stringify(rule)} needs an operation: one of ${FAULT_OPERATIONS.join(", ")} (e.g. retrieve:${kindText}=${rateText}).`,
      );
    }
    const kind = kindText?.toLowerCase() as FaultKind;
    if (!FAULT_KINDS.includes(kind)) {
      throw new Error(
        `${where}: unknown fault kind in ${JSON.stringify(rule)}; use ${FAULT_KINDS.join(", ")}.`,
      );
    }
    const rate = Number(rateText);
    if (!Number.isFinite(rate) || rate < 0 || rate > 1) {
      throw new Error(`${where}: the rate in ${JSON.stringify(rule)} must be between 0 and 1.`);
    }
    let table = rates;
    if (scenario) {
      table = scenarios[scenario] ?? {};
      scenarios[scenario] = table;
    }
    table[op] = { ...table[op], [kind]: rate };
  }
  return { rates, ...(Object.keys(scenarios).length > 0 ? { scenarios } : {}) };
}

/** `"50-200"` (uniform between) or `"100"` (fixed) milliseconds. */
export function parseLatency(text: string, where: string): LatencyRange {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*(\d+(?:\.\d+)?))?\s*$/.exec(text);
  const minMs = Number(match?.[1]);
  const maxMs = match?.[2] === undefined ? minMs : Number(match[2]);
  if (!match || !Number.isFinite(minMs) || !Number.isFinite(maxMs) || maxMs < minMs) {
    throw new Error(
      `${where} must be milliseconds as "MIN-MAX" (e.g. "50-200") or "MS", got ${JSON.stringify(text)}.`,
    );
  }
  return { minMs, maxMs };
}

/** Throws when a table is not valid: rates in [0, 1] adding up to at most 1 per operation. */
export function checkFaultTable(table: FaultTable | undefined, where: string): void {
  for (const [op, rates] of Object.entries(table ?? {})) {
    if (!FAULT_OPERATIONS.includes(op as FaultOperation)) {
      throw new Error(
        `${where}: unknown operation ${JSON.stringify(op)}; use ${FAULT_OPERATIONS.join(", ")}.`,
      );
    }
    let sum = 0;
    for (const [kind, rate] of Object.entries(rates ?? {})) {
      if (!FAULT_KINDS.includes(kind as FaultKind)) {
        throw new Error(
          `${where}: unknown fault kind ${JSON.stringify(kind)}; use ${FAULT_KINDS.join(", ")}.`,
        );
      }
      if (typeof rate !== "number" || !Number.isFinite(rate) || rate < 0 || rate > 1) {
        throw new Error(`${where}: ${op}:${kind} must be a rate between 0 and 1, got ${String(rate)}.`);
      }
      sum += rate;
    }
    if (sum > 1 + 1e-9) {
      throw new Error(`${where}: the ${op} fault rates add up to ${sum}, more than 1.`);
    }
  }
}

/** Decides, per request, whether to inject a fault and how long to wait first; counts what it did. */
export class FaultInjector {
  private readonly faultRandom: () => number;
  private readonly latencyRandom: () => number;
  private readonly counts: FaultStats = {
    requests: { create: 0, retrieve: 0, cancel: 0 },
    injected: {},
  };

  constructor(
    private readonly faults: FaultOptions,
    private readonly latency: LatencyRange | undefined,
    seed: number,
  ) {
    // Separate streams: turning latency on or off does not change which requests fail.
    this.faultRandom = seededRandom(seed);
    this.latencyRandom = seededRandom(seed ^ 0x5bd1e995);
  }

  get retryAfterSeconds(): number {
    return this.faults.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
  }

  get slowMs(): number {
    return this.faults.slowMs ?? DEFAULT_SLOW_MS;
  }

  /**
   * `override`: the request's own `x-emulator-faults` header (`none` turns faults off for it). A scenario's
   * rates replace the general ones kind by kind.
   */
  decide(op: FaultOperation, scenario: string | undefined, override: string | null): FaultDecision {
    this.counts.requests[op] += 1;
    const rates = this.ratesFor(op, scenario, override);
    const delayMs = this.delay();
    const draw = this.faultRandom();
    let cumulative = 0;
    for (const kind of FAULT_KINDS) {
      cumulative += rates[kind] ?? 0;
      if (draw < cumulative) {
        const key = `${op}:${kind}`;
        this.counts.injected[key] = (this.counts.injected[key] ?? 0) + 1;
        return { kind, delayMs };
      }
    }
    return { delayMs };
  }

  stats(): FaultStats {
    return { requests: { ...this.counts.requests }, injected: { ...this.counts.injected } };
  }

  private ratesFor(
    op: FaultOperation,
    scenario: string | undefined,
    override: string | null,
  ): Partial<Record<FaultKind, number>> {
    if (override !== null && override.trim() !== "") {
      if (/^\s*(none|off)\s*$/i.test(override)) return {};
      // A malformed header is ignored rather than failing the request: faults are a test aid, not the API.
      try {
        const parsed = parseFaultRules(override, FAULTS_HEADER, op);
        checkFaultTable(parsed.rates, FAULTS_HEADER);
        return parsed.rates?.[op] ?? {};
      } catch {
        return {};
      }
    }
    const general = this.faults.rates?.[op] ?? {};
    const special = scenario ? this.faults.scenarios?.[scenario]?.[op] : undefined;
    return special ? { ...general, ...special } : general;
  }

  private delay(): number {
    if (!this.latency) return 0;
    const { minMs, maxMs } = this.latency;
    return Math.round(minMs + (maxMs - minMs) * this.latencyRandom());
  }
}

/** Marks the error thrown for a `reset` fault, so the HTTP server knows to destroy the socket. */
const RESET = Symbol.for("background-agent-chat.emulator.reset");

/**
 * What `fetch` throws when the server drops the connection: `TypeError: fetch failed`, caused by a socket
 * error. The in-process path throws this; the HTTP server destroys the socket instead.
 */
export function connectionResetError(): TypeError {
  const cause = Object.assign(new Error("other side closed"), {
    code: "UND_ERR_SOCKET",
    name: "SocketError",
  });
  return Object.assign(new TypeError("fetch failed", { cause }), { [RESET]: true });
}

export function isConnectionReset(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[RESET] === true;
}

/** The answer with its body stopping half way, as a proxy cutting it would leave it. */
export async function malformed(response: Response): Promise<Response> {
  const text = await response.text();
  const cut = text.slice(0, Math.max(1, Math.floor(text.length / 2)));
  return new Response(cut, { status: response.status, headers: response.headers });
}

/** The same response with its body trickled out in pieces over `totalMs`. */
export function trickled(response: Response, totalMs: number, pieces = 8): Response {
  const source = response.body;
  if (!source) return response;
  const bytes = response.arrayBuffer();
  let sent = 0;
  let buffer: Uint8Array | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      buffer ??= new Uint8Array(await bytes);
      const size = Math.max(1, Math.ceil(buffer.length / pieces));
      await new Promise((resolve) => setTimeout(resolve, totalMs / pieces));
      controller.enqueue(buffer.slice(sent, sent + size));
      sent += size;
      if (sent >= buffer.length) controller.close();
    },
  });
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return new Response(body, { status: response.status, headers });
}

/** A routed request that has not touched any stored state yet: faults are decided before `run`. */
export interface PreparedRequest {
  op: FaultOperation;
  scenario?: string;
  /** The answer is a live event stream: `malformed` cuts it after two sends instead, `slow` does not apply. */
  streaming?: boolean;
  /** Answers it; `cut` (streams only): the stream drops after two sends, without its terminal event. */
  run(cut?: boolean): Response;
}

/** How a flavour says "unavailable" and "rate limited", and what a `malformed` fault cuts in half. */
export interface FaultAnswers {
  unavailable(): Response;
  /** Without `Retry-After`: it is added here. */
  rateLimited(): Response;
  /**
   * What a `malformed` fault cuts in half instead of the real answer, for a request that must not take effect
   * (a create, a cancel); undefined: the real answer is cut (a read changes nothing).
   */
  standIn(prepared: PreparedRequest): Response | undefined;
}

/** Latency first, then at most one fault: none of them changes anything stored. */
export async function answerWithFaults(
  request: Request,
  prepared: PreparedRequest,
  faults: FaultInjector,
  answers: FaultAnswers,
): Promise<Response> {
  const decision = faults.decide(prepared.op, prepared.scenario, request.headers.get(FAULTS_HEADER));
  await sleep(decision.delayMs);
  if (prepared.streaming && decision.kind === "malformed") return prepared.run(true);
  // Trickling buffers the whole body first, which for a live stream means its end: a stream is served as is.
  const kind = prepared.streaming && decision.kind === "slow" ? undefined : decision.kind;
  switch (kind) {
    case undefined:
      return prepared.run();
    case "503":
      return answers.unavailable();
    case "429": {
      const response = answers.rateLimited();
      response.headers.set("retry-after", String(faults.retryAfterSeconds));
      return response;
    }
    case "reset":
      throw connectionResetError();
    case "malformed":
      return malformed(answers.standIn(prepared) ?? prepared.run());
    case "slow":
      return trickled(prepared.run(), faults.slowMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
