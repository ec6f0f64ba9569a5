// Injected faults on the agent server's answers: latency first, then at most one fault, decided before the
// request touches the stored runs, so none of them changes a run (see `faults.ts`).

import { jsonResponse } from "../errors";
import {
  connectionResetError,
  FAULTS_HEADER,
  type FaultInjector,
  malformed,
  sleep,
  trickled,
} from "../faults";
import type { FaultOperation } from "../types";
import { detail } from "./wire";

/** A routed request that has not touched the stored runs yet: faults are decided before `run`. */
export interface Prepared {
  op: FaultOperation;
  scenario?: string;
  /** The answer is an event stream: `malformed` cuts it part-way instead, `slow` does not apply. */
  streaming?: boolean;
  /** Answers it; `cut` (streams only): the stream drops after two writes. */
  run(cut?: boolean): Response;
}

export async function answerWithFaults(
  request: Request,
  prepared: Prepared,
  faults: FaultInjector,
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
      return detail(503, "The app is temporarily unavailable (emulated fault). Please retry.");
    case "429": {
      const response = detail(429, "Too many requests (emulated fault). Retry after the Retry-After header.");
      response.headers.set("retry-after", String(faults.retryAfterSeconds));
      return response;
    }
    case "reset":
      throw connectionResetError();
    case "malformed":
      // Retrieve and cancel change nothing, so their real answer can be cut; a create must not take effect.
      return malformed(
        prepared.op === "create"
          ? jsonResponse(200, { id: "resp_emulated_malformed", object: "response", status: "in_progress" })
          : prepared.run(),
      );
    case "slow":
      return trickled(prepared.run(), faults.slowMs);
  }
}
