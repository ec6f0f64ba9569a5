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
  // A real P-256 key (Web Push signs with it), paired with VAPID_PUBLIC_KEY below; made for the tests only.
  VAPID_PRIVATE_KEY: "ZVyr5EifAjlzD2U-8Z9cVrxtv88Ee9k4d-tTuNjI4JQ",
} as const;

/** The public half of the tests' VAPID pair (public by nature: every browser gets it). */
export const VAPID_PUBLIC_KEY =
  "BBoh2aT8Ph9tvy_P191-lBoveqQs5uBypAWJP-byy9cBph7RJrvb2UlmQ8SoiXdDI9TbM2sEHD16qNLhvKV0Wa0";
