import { AuthConfigError, authModeOf, refusalToStartOpen } from "./mode";

/**
 * Start-up's word on who may use the app: a wrong sign-in set-up, or a production server about to be open to
 * anyone with a real agent behind it (refusalToStartOpen), stops the server with a message saying how to fix it.
 */
export function checkAuthAtStartup(
  provider: string,
  env: Record<string, string | undefined> = process.env,
): void {
  try {
    const mode = authModeOf(env);
    const refusal = refusalToStartOpen(mode, { provider, env });
    if (refusal) {
      console.error(refusal);
      process.exit(1);
    }
    console.log(`Background Agent Chat: ${accessSentence(mode)}`);
  } catch (err) {
    if (!(err instanceof AuthConfigError)) throw err;
    console.error(err.message);
    process.exit(1);
  }
}

function accessSentence(mode: ReturnType<typeof authModeOf>): string {
  if (mode.kind === "oidc") return `sign-in with ${mode.oidc.issuer}`;
  if (mode.kind === "trusted-proxy")
    return "people signed in by the proxy in front (TRUST_FORWARDED_HEADERS)";
  return mode.explicit ? "open to anyone (AUTH_MODE=anonymous)" : "open to anyone (no sign-in set up)";
}
