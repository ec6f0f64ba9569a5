import { describe, expect, it } from "vitest";
import { SALES } from "./data/sales";
import { quartersIn, regionsIn } from "./genie";
import { messageText, setup } from "./test-helpers";
import type { ResponseObject } from "./types";

/** Runs the multi-step scenario to its end and returns its two tool outputs and the final text. */
async function analysis(question: string) {
  const { create, retrieve, advance } = setup();
  const created = await create({ model: "m", input: question, background: true });
  advance(30_000);
  const done: ResponseObject = await retrieve(created.id);
  expect(done.status).toBe("completed");
  const outputs = done.output.filter((item) => item.type === "function_call_output");
  const calls = done.output.filter((item) => item.type === "function_call");
  return {
    calls,
    table: parseTable(String(outputs[0]?.output)),
    summary: JSON.parse(String(outputs[1]?.output)) as Record<string, unknown>,
    answer: messageText(done.output.at(-1)),
  };
}

/** A markdown table as rows of cells, header first. */
function parseTable(markdown: string): string[][] {
  return markdown
    .split("\n")
    .filter((line) => line.startsWith("|") && !line.startsWith("|---"))
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

describe("the Genie answer of the multi-step scenario", () => {
  it("computes Q1 vs Q2 by region from the data set by default, and the summary and answer agree", async () => {
    const { calls, table, summary, answer } = await analysis("Run a multi-step data analysis");
    expect(calls.map((call) => call.name)).toEqual(["query_sales_genie", "summarize_trends"]);
    expect(table[0]).toEqual(["region", "q1_revenue_usd", "q2_revenue_usd", "growth_pct", "q2_units"]);
    const rows = table.slice(1);
    expect(rows.map((row) => row[0])).toEqual(["North America", "Europe", "Asia Pacific", "Latin America"]);
    for (const [region, q1, q2, growth, units] of rows) {
      const data = SALES[region as keyof typeof SALES];
      expect(Number(q1)).toBe(data["2026-Q1"].revenueUsd);
      expect(Number(q2)).toBe(data["2026-Q2"].revenueUsd);
      expect(Number(units)).toBe(data["2026-Q2"].units);
      expect(Number(growth)).toBeCloseTo(((Number(q2) - Number(q1)) / Number(q1)) * 100, 1);
    }
    const total = (column: number) => rows.reduce((sum, row) => sum + Number(row[column]), 0);
    expect(summary).toMatchObject({
      total_q1_revenue_usd: total(1),
      total_q2_revenue_usd: total(2),
      total_growth_pct: 7.2,
      fastest_growing: "Asia Pacific",
      fastest_growth_pct: 14.6,
      declining: ["Latin America"],
    });
    expect(JSON.parse(String(calls[1]?.arguments))).toEqual({ metric: "growth_pct", rows: 4 });
    expect(answer).toContain("from **$3.29M to $3.53M**, a growth of **7.2%**");
    expect(answer).toContain("**Asia Pacific** grew fastest: $760K → $871K (**+14.6%**)");
    expect(answer).toContain("**Latin America** was the only region that declined");
    expect(answer).toContain("| Europe | $1,015,000 | +3.6% |");
  });

  it("narrows to the quarter and region the question names, and everything follows the narrowed table", async () => {
    const { calls, table, summary, answer } = await analysis("Analyze Q3 sales in Europe");
    expect(JSON.parse(String(calls[0]?.arguments))).toEqual({ question: "Analyze Q3 sales in Europe" });
    expect(table).toEqual([
      ["region", "q2_revenue_usd", "q3_revenue_usd", "growth_pct", "q3_units"],
      ["Europe", "1015000", "1004000", "-1.1", "4183"],
    ]);
    expect(summary).toMatchObject({
      from_quarter: "2026-Q2",
      to_quarter: "2026-Q3",
      total_q2_revenue_usd: 1_015_000,
      total_q3_revenue_usd: 1_004_000,
      total_growth_pct: -1.1,
      fastest_growing: null,
      declining: ["Europe"],
    });
    expect(answer).toContain("shows for Q3 2026 compared with Q2 2026");
    expect(answer).toContain("**Europe** revenue fell from **$1.02M to $1.00M**, a decline of **−1.1%**");
    expect(answer).not.toContain("Asia Pacific");
  });

  it("reads quarters and regions from the question", () => {
    expect(quartersIn("How did sales do?")).toEqual(["2026-Q1", "2026-Q2"]);
    expect(quartersIn("Q4 please")).toEqual(["2026-Q3", "2026-Q4"]);
    expect(quartersIn("q1")).toEqual(["2025-Q4", "2026-Q1"]);
    expect(quartersIn("Compare Q3 with Q1 and the second quarter")).toEqual(["2026-Q1", "2026-Q3"]);
    expect(quartersIn("the third quarter")).toEqual(["2026-Q2", "2026-Q3"]);
    expect(regionsIn("APAC and LATAM")).toEqual(["Asia Pacific", "Latin America"]);
    expect(regionsIn("North America vs Europe")).toEqual(["North America", "Europe"]);
    expect(regionsIn("European and Asian markets")).toEqual(["Europe", "Asia Pacific"]);
    expect(regionsIn("usage by region")).toHaveLength(4);
  });
});
