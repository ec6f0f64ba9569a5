// The multi-step scenario's emulated Genie space: it reads which quarters and regions a question names,
// computes the table from the shipped data set, and derives the trend summary and the final answer from that
// same table, so every number the run shows agrees with every other.

import { QUARTERS, type Quarter, REGION_ALIASES, REGIONS, type Region, SALES } from "./data/sales";
import { quote } from "./prose";

export interface SalesRow {
  region: Region;
  fromRevenueUsd: number;
  toRevenueUsd: number;
  toUnits: number;
  growthPct: number;
}

export interface SalesAnalysis {
  from: Quarter;
  to: Quarter;
  rows: SalesRow[];
  totalFromUsd: number;
  totalToUsd: number;
  totalGrowthPct: number;
}

const ORDINALS: Record<string, number> = { first: 1, second: 2, third: 3, fourth: 4 };
const DEFAULT_COMPARISON: [Quarter, Quarter] = ["2026-Q1", "2026-Q2"];

/**
 * The quarters to compare: two or more named → the earliest against the latest; one named → it against the
 * quarter before; none → Q1 against Q2 2026. Quarters are those of 2026 (the data set's year).
 */
export function quartersIn(question: string): [Quarter, Quarter] {
  const text = question.toLowerCase();
  const numbers = new Set<number>();
  for (const match of text.matchAll(/(?<![\p{L}\p{N}])q([1-4])(?![\p{N}])/gu)) numbers.add(Number(match[1]));
  for (const match of text.matchAll(/\b(first|second|third|fourth) quarter/g))
    numbers.add(ORDINALS[match[1] ?? ""] ?? 0);
  numbers.delete(0);
  const named = [...numbers].sort((a, b) => a - b).map((n) => `2026-Q${n}` as Quarter);
  const first = named[0];
  const last = named.at(-1);
  if (!first || !last) return DEFAULT_COMPARISON;
  if (first !== last) return [first, last];
  const before = QUARTERS[QUARTERS.indexOf(first) - 1];
  return before ? [before, first] : DEFAULT_COMPARISON;
}

/** Regions the question names (in data set order); all of them when it names none. */
export function regionsIn(question: string): Region[] {
  const text = question.toLowerCase();
  const named = REGIONS.filter((region) =>
    REGION_ALIASES[region].some((alias) =>
      // Whole words, allowing "European" and "Asian" but not "usage" for "usa".
      new RegExp(`(?<![\\p{L}\\p{N}])${alias}(?:an|n|s)?(?![\\p{L}\\p{N}])`, "u").test(text),
    ),
  );
  return named.length > 0 ? named : [...REGIONS];
}

export function analyseSales(question: string): SalesAnalysis {
  const [from, to] = quartersIn(question);
  const rows = regionsIn(question).map((region) => {
    const before = SALES[region][from];
    const after = SALES[region][to];
    return {
      region,
      fromRevenueUsd: before.revenueUsd,
      toRevenueUsd: after.revenueUsd,
      toUnits: after.units,
      growthPct: growth(before.revenueUsd, after.revenueUsd),
    };
  });
  const totalFromUsd = rows.reduce((sum, row) => sum + row.fromRevenueUsd, 0);
  const totalToUsd = rows.reduce((sum, row) => sum + row.toRevenueUsd, 0);
  return { from, to, rows, totalFromUsd, totalToUsd, totalGrowthPct: growth(totalFromUsd, totalToUsd) };
}

/** Percent change to one decimal, never "-0". */
function growth(before: number, after: number): number {
  return Math.round(((after - before) / before) * 1_000) / 10 || 0;
}

/** "2026-Q2" → "q2", "2025-Q4" → "q4_2025": column names the way a Genie SQL answer would have them. */
function column(quarter: Quarter): string {
  const [year, q] = quarter.split("-");
  return year === "2026" ? `${q?.toLowerCase()}` : `${q?.toLowerCase()}_${year}`;
}

/** "2026-Q2" → "Q2 2026". */
export function quarterLabel(quarter: Quarter): string {
  const [year, q] = quarter.split("-");
  return `${q} ${year}`;
}

/** The `query_sales_genie` output: a markdown table, as Genie returns query results. */
export function salesTable({ from, to, rows }: SalesAnalysis): string {
  const [a, b] = [column(from), column(to)];
  return [
    `| region | ${a}_revenue_usd | ${b}_revenue_usd | growth_pct | ${b}_units |`,
    "|---|---|---|---|---|",
    ...rows.map(
      (row) =>
        `| ${row.region} | ${row.fromRevenueUsd} | ${row.toRevenueUsd} | ${row.growthPct} | ${row.toUnits} |`,
    ),
  ].join("\n");
}

/** The `summarize_trends` output, computed from the table's rows. */
export function trendsSummary(analysis: SalesAnalysis): string {
  const { from, to, rows } = analysis;
  // Only a region that grew can be the fastest-growing one.
  const fastest = [...rows].filter((row) => row.growthPct > 0).sort((x, y) => y.growthPct - x.growthPct)[0];
  return JSON.stringify({
    from_quarter: from,
    to_quarter: to,
    fastest_growing: fastest?.region ?? null,
    fastest_growth_pct: fastest?.growthPct ?? null,
    declining: rows.filter((row) => row.growthPct < 0).map((row) => row.region),
    [`total_${column(from)}_revenue_usd`]: analysis.totalFromUsd,
    [`total_${column(to)}_revenue_usd`]: analysis.totalToUsd,
    total_growth_pct: analysis.totalGrowthPct,
  });
}

export function analysisPlan(question: string, { from, to, rows }: SalesAnalysis): string {
  const where = rows.length === REGIONS.length ? "by region" : `for ${listOf(rows.map((row) => row.region))}`;
  return (
    `**Planning the analysis.** To answer "${quote(question, 80)}" I will query the sales Genie space for ` +
    `revenue ${where} in ${quarterLabel(from)} and ${quarterLabel(to)}, then summarise the trends before ` +
    "writing the answer."
  );
}

export function analysisCheck({ rows }: SalesAnalysis): string {
  const declined = rows.filter((row) => row.growthPct < 0).length;
  const came = `**Checking the rows.** ${countWord(rows.length)} ${rows.length === 1 ? "region" : "regions"} came back`;
  if (declined === 0)
    return `${came}; ${rows.length === 1 ? "it did not decline" : "none of them declined"}.`;
  const which = rows.length === 1 ? "it" : `${countWord(declined).toLowerCase()} of them`;
  return `${came}; ${which} declined, so the summary should call that out.`;
}

export function analysisAnswer(question: string, analysis: SalesAnalysis): string {
  const { from, to, rows } = analysis;
  const growers = rows.filter((row) => row.growthPct > 0).sort((x, y) => y.growthPct - x.growthPct);
  const decliners = rows.filter((row) => row.growthPct < 0);
  const change = (row: SalesRow) => `${money(row.fromRevenueUsd)} → ${money(row.toRevenueUsd)}`;
  const subject = rows.length === 1 ? `**${rows[0]?.region}** revenue` : "Total revenue";
  const lines = [`- ${totalLine(subject, analysis)}`];
  if (rows.length > 1) {
    const [fastest, ...others] = growers;
    if (fastest)
      lines.push(
        `- **${fastest.region}** grew fastest: ${change(fastest)} (**${signed(fastest.growthPct)}**).`,
      );
    if (others.length > 0) {
      const parts = others.map(
        (row, i) => `${row.region}${i === 0 ? " grew" : ""} ${row.growthPct}% (${change(row)})`,
      );
      lines.push(`- ${listOf(parts)}.`);
    }
    const [only] = decliners;
    if (decliners.length === 0) lines.push("- No region declined.");
    else if (decliners.length === 1 && only)
      lines.push(
        `- **${only.region}** was the only region that declined: ${change(only)} (**${signed(only.growthPct)}**).`,
      );
    else
      lines.push(
        `- ${listOf(decliners.map((row) => `**${row.region}** (${signed(row.growthPct)})`))} declined.`,
      );
  }
  return [
    `You asked: "${quote(question)}"`,
    "",
    `Here is what the **sales data** shows for ${quarterLabel(to)} compared with ${quarterLabel(from)}:`,
    "",
    ...lines,
    "",
    `| region | ${quarterLabel(to)} revenue | growth |`,
    "|---|---|---|",
    ...rows.map((row) => `| ${row.region} | $${grouped(row.toRevenueUsd)} | ${signed(row.growthPct)} |`),
    "",
    "The query behind the table, to run it yourself:",
    "",
    "```sql",
    `SELECT region, quarter, SUM(revenue_usd) AS revenue_usd, SUM(units) AS units FROM sales WHERE quarter IN ('${from}', '${to}') GROUP BY region, quarter ORDER BY region, quarter;`,
    "```",
    "",
    "Sources: `query_sales_genie` (emulated Genie space) and `summarize_trends`.",
  ].join("\n");
}

function totalLine(subject: string, { totalFromUsd, totalToUsd, totalGrowthPct }: SalesAnalysis): string {
  const amounts = `**${money(totalFromUsd)} to ${money(totalToUsd)}**`;
  if (totalGrowthPct > 0) return `${subject} rose from ${amounts}, a growth of **${totalGrowthPct}%**.`;
  if (totalGrowthPct < 0)
    return `${subject} fell from ${amounts}, a decline of **${signed(totalGrowthPct)}**.`;
  return `${subject} stayed flat at **${money(totalToUsd)}**.`;
}

/** $1.34M or $871K: rounded the way a person would say it. */
export function money(usd: number): string {
  if (usd >= 1_000_000) return `$${(Math.round(usd / 10_000) / 100).toFixed(2)}M`;
  return `$${Math.round(usd / 1_000)}K`;
}

/** 1342000 → "1,342,000"; written out so the text does not depend on the runtime's locale data. */
function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** +14.6% or −3.9% (a real minus sign, as the answer is prose). */
function signed(pct: number): string {
  return pct < 0 ? `−${Math.abs(pct)}%` : `+${pct}%`;
}

function listOf(parts: string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

function countWord(n: number): string {
  return ["No", "One", "Two", "Three", "Four"][n] ?? String(n);
}
