// Injected faults on the agent server's answers, in its own `{"detail"}` envelope (see `faults.ts`).

import { jsonResponse } from "../errors";
import {
  answerWithFaults as answerWith,
  type FaultAnswers,
  type FaultInjector,
  type PreparedRequest,
} from "../faults";
import { detail } from "./wire";

export type Prepared = PreparedRequest;

const ANSWERS: FaultAnswers = {
  unavailable: () => detail(503, "The app is temporarily unavailable (emulated fault). Please retry."),
  rateLimited: () => detail(429, "Too many requests (emulated fault). Retry after the Retry-After header."),
  // Retrieve and cancel change nothing, so their real answer can be cut; a create must not take effect.
  standIn: (prepared) =>
    prepared.op === "create"
      ? jsonResponse(200, { id: "resp_emulated_malformed", object: "response", status: "in_progress" })
      : undefined,
};

export function answerWithFaults(
  request: Request,
  prepared: Prepared,
  faults: FaultInjector,
): Promise<Response> {
  return answerWith(request, prepared, faults, ANSWERS);
}
