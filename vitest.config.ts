import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**"],
    environment: "node",
    // Most test files wait on the emulator's timers rather than compute: more files at once than cores (the
    // default on a 2-core machine is one worker) cuts the run by a third or more.
    maxWorkers: 3,
    // Many tests follow whole emulated runs on the real clock (time-scaled): on a loaded 2-core machine one can
    // take several times its usual second or two. A test that hangs still fails, later.
    testTimeout: 30_000,
    // Route tests reach the process-wide store: keep it in memory, never in the checkout's .data/.
    // A fixed signing key for session cookies, so tests write no key file either.
    // The same for the Web Push keys (a test pair, never used outside the tests).
    env: {
      PGLITE_DIR: "memory://",
      SESSION_SECRET: "vitest-session-secret-0123456789abcdef",
      VAPID_PUBLIC_KEY:
        "BKe5LXLe__-DyZW_bEEZw4gOy2FDRgRRCRKrrZ8UVGvFcxY_VEl3eIpumaDvd3M2DoMsl4ISGPY-IzUlZjs3X1I",
      VAPID_PRIVATE_KEY: "JRpy_q-zRp9ltXZM1lOKdiZmHRvFm65tPf_uVG2LCqw",
    },
  },
});
