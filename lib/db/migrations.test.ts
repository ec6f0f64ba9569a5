import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { normalizeMigrationSql, readMigrationFiles, statementsOf } from "./migration-files";
import { MIGRATIONS } from "./migrations";
import { toJsonText } from "./schema";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

describe("migrations", () => {
  it("embeds exactly the .sql files (run `npm run db:generate` after changing the schema)", () => {
    expect(MIGRATIONS).toEqual(readMigrationFiles(dir));
  });

  it("are named in order and build tables in any schema", () => {
    const names = MIGRATIONS.map((m) => m.name);
    expect(names).toEqual([...names].sort());
    expect(new Set(names).size).toBe(names.length);
    for (const migration of MIGRATIONS) {
      expect(statementsOf(migration).length).toBeGreaterThan(0);
      expect(migration.sql).toBe(normalizeMigrationSql(migration.sql));
    }
  });
});

describe("toJsonText", () => {
  it("is JSON.stringify, with NUL characters as U+FFFD and escaped text left alone", () => {
    const value = { a: [1, "x"], "k\u0000": "v\u0000\u0000", text: "\\u0000", both: "\\\u0000" };
    expect(JSON.parse(toJsonText(value))).toEqual({
      a: [1, "x"],
      "k\uFFFD": "v\uFFFD\uFFFD",
      text: "\\u0000",
      both: "\\\uFFFD",
    });
    expect(toJsonText({ plain: "ok" })).toBe('{"plain":"ok"}');
    expect(toJsonText(undefined)).toBe("null");
  });
});
