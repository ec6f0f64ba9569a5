import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { type Migration, statementsOf } from "./migration-files";
import { MIGRATIONS } from "./migrations";

/** A drizzle Postgres database of any driver (node-postgres, PGlite). */
// biome-ignore lint/suspicious/noExplicitAny: the schema type parameter is irrelevant to raw SQL
export type AnyPgDatabase = PgDatabase<PgQueryResultHKT, any>;

/** The key of the transaction-scoped advisory lock that serializes migrators (any constant; this app's). */
const MIGRATION_LOCK_KEY = 4_206_911_337;

/** The rows of a raw `execute` result, whichever driver produced it (both return `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/**
 * Apply the migrations this build knows that the database has not had yet, in order, each recorded in
 * `schema_migrations`. Safe to run concurrently and repeatedly (several processes starting at once): it all
 * happens in one transaction holding an advisory lock, so a second migrator waits and then finds nothing to
 * do, and a failing migration leaves the database as it was. Tables resolve through the `search_path`.
 * Returns the names it applied.
 */
export async function migrate(db: AnyPgDatabase, migrations: readonly Migration[] = MIGRATIONS) {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(
      sql`create table if not exists schema_migrations (name text primary key, applied_at bigint not null)`,
    );
    const done = new Set(
      rowsOf<{ name: string }>(await tx.execute(sql`select name from schema_migrations`)).map((r) => r.name),
    );
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      for (const statement of statementsOf(migration)) await tx.execute(sql.raw(statement));
      await tx.execute(
        sql`insert into schema_migrations (name, applied_at) values (${migration.name}, ${Date.now()})`,
      );
      applied.push(migration.name);
    }
    return applied;
  });
}
