import { defineConfig, devices } from "@playwright/test";
import { BUDGET_PORT, PORT, PUSH_SERVICE_PORT } from "./e2e/ports";
import { SECRET_CANARIES, VAPID_PUBLIC_KEY } from "./e2e/secrets";

const SHARED_ENV = {
  SUPERVISOR_PROVIDER: "emulator",
  EMULATOR_TIME_SCALE: "0.25",
  SUPERVISOR_POLL_INTERVAL_MS: "250",
  NEXT_TELEMETRY_DISABLED: "1",
  // The build and the servers see real-looking secrets, so a test can prove none reaches the browser.
  ...SECRET_CANARIES,
  VAPID_PUBLIC_KEY,
  // The push service e2e/push.spec.ts stands up in place of the browsers' own (out of reach here).
  PUSH_SERVICE_ORIGINS: `http://127.0.0.1:${PUSH_SERVICE_PORT}`,
};

/**
 * Specs that hold no timing window (nothing that must still be running, or be seen growing, when they look,
 * but the slow scenario's minute-long runs): they run two at a time, on the 2 cores a CI machine has, then
 * every other spec runs alone. A spec that looks for a short run's passing state (Running, Stop), stops,
 * reloads or reads a run mid-way, cuts streams, kills servers or calls the cron route (which follows every
 * open run, a neighbour's too) belongs to the second group: a neighbour's load or runs can make it miss its
 * moment.
 */
const SIDE_BY_SIDE = [
  "a11y",
  "api-corpus",
  "databricks-app",
  "export",
  "hostile",
  "keyboard",
  "read-only",
  "secrets",
  "sidebar",
  "sign-in",
  "tools",
  "visual",
  "webhooks",
].map((name) => `**/${name}.spec.ts`);

const CHROMIUM = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  },
};

/**
 * End-to-end tests in the system Chromium (never a downloaded browser) against a production build served by
 * `next start`, on the embedded emulator with its scenarios time-scaled so a 20 s run takes a few seconds.
 */
export default defineConfig({
  testDir: "./e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "side-by-side", testMatch: SIDE_BY_SIDE, use: CHROMIUM },
    // After every side-by-side spec (run one of these alone with --no-deps).
    { name: "alone", testIgnore: SIDE_BY_SIDE, dependencies: ["side-by-side"], workers: 1, use: CHROMIUM },
  ],
  webServer: [
    {
      command: `BUILD_SKIPS_TYPECHECK=1 npx next build && npm run serve -- -p ${PORT} -H 127.0.0.1`,
      url: `http://127.0.0.1:${PORT}`,
      timeout: 300_000,
      // Never test a stale server left behind by another run.
      reuseExistingServer: false,
      stdout: "pipe",
      env: { ...SHARED_ENV, PGLITE_DIR: "memory://" },
    },
    {
      // The same build with a 2 s stream budget: every longer run is handed over to reconnects.
      command: `node e2e/start-after.mjs http://127.0.0.1:${PORT} ${BUDGET_PORT}`,
      url: `http://127.0.0.1:${BUDGET_PORT}`,
      timeout: 360_000,
      reuseExistingServer: false,
      stdout: "pipe",
      env: { ...SHARED_ENV, STREAM_BUDGET_MS: "2000", PGLITE_DIR: "memory://" },
    },
  ],
});
