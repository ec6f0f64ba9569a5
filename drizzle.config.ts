import { defineConfig } from "drizzle-kit";

/** Used by `npm run db:generate` only; the app applies the embedded migrations itself (lib/db/migrate.ts). */
export default defineConfig({
  dialect: "postgresql",
  schema: "./lib/db/schema.ts",
  out: "./lib/db/migrations",
});
