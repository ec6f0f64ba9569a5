import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { maxDuration } from "@/app/api/cron/follow-runs/route";
import { CRON_BUDGET_MS, CRON_ROUTE_MAX_DURATION_S, GET } from "./cron-follow-runs";
import { runOnFastEmulator } from "./route-testing";

runOnFastEmulator();

const call = (query = "", authorization?: string) =>
  GET(
    new Request(`http://localhost/api/cron/follow-runs${query}`, {
      headers: authorization ? { authorization } : {},
    }),
  );

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string } }).error;

afterEach(() => {
  delete process.env.CRON_SECRET;
});

describe("GET /api/cron/follow-runs", () => {
  it("is off, with a 403 that says why, on a server with no CRON_SECRET", async () => {
    const response = await call("", "Bearer anything");
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toMatch(/CRON_SECRET/);
  });

  it("refuses a caller without the secret: 401 as JSON", async () => {
    process.env.CRON_SECRET = "the-cron-secret-of-this-test";
    for (const authorization of [undefined, "Bearer wrong", "the-cron-secret-of-this-test", "Basic x"]) {
      const response = await call("", authorization);
      expect(response.status).toBe(401);
      expect(await errorOf(response)).toMatchObject({ code: "unauthorized" });
    }
  });

  it("refuses a budget it cannot keep with a 400 that names it", async () => {
    process.env.CRON_SECRET = "the-cron-secret-of-this-test";
    for (const query of ["?budgetMs=60001", "?budgetMs=-1", "?budgetMs=soon", "?budgetMs=1.5"]) {
      const response = await call(query, "Bearer the-cron-secret-of-this-test");
      expect(response.status).toBe(400);
      expect((await errorOf(response)).message).toMatch(/budgetMs/);
    }
  });

  it("answers what it did, never cached", async () => {
    process.env.CRON_SECRET = "the-cron-secret-of-this-test";
    const response = await call("?budgetMs=0", "Bearer the-cron-secret-of-this-test");
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({ followed: 0, left: 0 });
  });

  it("is called every minute by Vercel Cron, and its budget ends before the platform's limit", () => {
    const vercel = JSON.parse(readFileSync("vercel.json", "utf8")) as { crons: unknown[] };
    expect(vercel.crons).toContainEqual({ path: "/api/cron/follow-runs", schedule: "* * * * *" });
    expect(maxDuration).toBe(CRON_ROUTE_MAX_DURATION_S);
    expect(CRON_BUDGET_MS).toBeLessThanOrEqual((CRON_ROUTE_MAX_DURATION_S - 10) * 1000);
  });
});
