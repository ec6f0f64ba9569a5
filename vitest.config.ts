import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL(".", import.meta.url)) } },
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**"],
    environment: "node",
    // Route tests reach the process-wide store: keep it in memory, never in the checkout's .data/.
    // A fixed signing key for session cookies, so tests write no key file either.
    env: { PGLITE_DIR: "memory://", SESSION_SECRET: "vitest-session-secret-0123456789abcdef" },
  },
});
