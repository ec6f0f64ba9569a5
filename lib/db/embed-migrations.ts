/**
 * `npm run db:generate` runs this after `drizzle-kit generate`: it normalizes the new .sql files (see
 * normalizeMigrationSql) and embeds them all in `migrations/index.ts`, which the app applies at start.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readMigrationFiles, renderMigrationsModule } from "./migration-files";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
const migrations = readMigrationFiles(dir);
for (const { name, sql } of migrations) {
  const file = path.join(dir, `${name}.sql`);
  if (readFileSync(file, "utf8") !== sql) writeFileSync(file, sql);
}
writeFileSync(path.join(dir, "index.ts"), renderMigrationsModule(migrations));
console.log(`Embedded ${migrations.length} migration(s) in ${path.relative(process.cwd(), dir)}/index.ts`);
