import pg from "pg";
import { describe, it } from "vitest";
import { describeDbChatStore } from "./db-store.contract";
import { openPostgres, quoteIdent } from "./drivers";

const url = process.env.TEST_DATABASE_URL?.trim();

if (url) {
  describeDbChatStore("PostgreSQL (TEST_DATABASE_URL, a fresh schema)", async () => {
    // A schema of this run's own, dropped on close: runs against the same database never meet.
    const schema = `bac_test_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema ${quoteIdent(schema)}`);
    } finally {
      await admin.end();
    }
    const database = await openPostgres(url, { searchPath: schema, max: 5 });
    return {
      ...database,
      async close() {
        await database.close();
        const dropper = new pg.Client({ connectionString: url });
        await dropper.connect();
        try {
          await dropper.query(`drop schema ${quoteIdent(schema)} cascade`);
        } finally {
          await dropper.end();
        }
      },
    };
  });
} else {
  describe.skip("PostgreSQL ChatStore: skipped because TEST_DATABASE_URL is not set (.ci/run sets it)", () => {
    it("runs the ChatStore contract against PostgreSQL", () => {});
  });
}
