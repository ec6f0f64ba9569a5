import { ConfigError, loadSupervisorConfig, type SupervisorConfig } from "./config";

/**
 * A misconfigured provider stops start-up with one message that lists everything missing, instead of
 * failing on the first chat. Logs the provider, never its credentials.
 */
export function checkConfigAtStartup(): SupervisorConfig {
  try {
    const config = loadSupervisorConfig();
    const agent = config.agent;
    const where = agent ? `, agent ${agent.url ?? `app "${agent.app}"`}` : `, model "${config.model}"`;
    console.log(
      `Background Agent Chat: provider "${config.provider}"${where}, polling every ${config.pollIntervalMs} ms`,
    );
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}
