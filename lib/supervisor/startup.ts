import { ConfigError, loadSupervisorConfig } from "./config";

/**
 * A misconfigured provider stops start-up with one message that lists everything missing, instead of
 * failing on the first chat. Logs the provider, never its credentials.
 */
export function checkConfigAtStartup(): void {
  try {
    const config = loadSupervisorConfig();
    console.log(
      `Background Agent Chat: provider "${config.provider}", model "${config.model}", polling every ${config.pollIntervalMs} ms`,
    );
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
