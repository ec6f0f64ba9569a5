/**
 * Secret values the test servers are built and started with (as a careless deployment would have them in
 * its environment). None of them may ever appear in what the browser gets.
 */
export const SECRET_CANARIES = {
  DATABRICKS_TOKEN: "dapi-canary-3f9c2e7d1b6a4058",
  DATABRICKS_CLIENT_SECRET: "dose-canary-client-secret-77e1",
  OPENAI_API_KEY: "sk-canary-openai-key-5d2b9a",
  SESSION_SECRET: "canary-session-secret-0b8e4f2c9a7d1e6b3c5a",
  CRON_SECRET: "canary-cron-secret-6e2a9d4b1f8c3e7a",
} as const;
