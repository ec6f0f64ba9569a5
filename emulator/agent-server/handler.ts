// The `databricks-agent` flavour's HTTP front. To be written.

import type { EmulatorHandler } from "../handler";
import type { TokenIssuer } from "../oauth";
import type { ResolvedEmulatorOptions } from "../types";

export function createAgentServerHandler(
  _options: ResolvedEmulatorOptions,
  _issuer: TokenIssuer | undefined,
): EmulatorHandler {
  throw new Error("not written yet");
}
