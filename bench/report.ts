// BENCHMARKS.md is written part by part: `npm run bench` runs every part, `npm run bench -- <part>` one of them,
// and each run replaces only its own part's section (between markers), so the parts can be re-run separately.

import { execSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";

/** One line of the goals list: met or not, and what was measured. */
export type Goal = [ok: boolean, text: string];

/** What a benchmark part reports. */
export interface BenchSection {
  /** Marker id, also the part's name on the command line. */
  id: string;
  title: string;
  /** One paragraph on what the part measures. */
  intro: string;
  goals: Goal[];
  /** Markdown under the part's heading (subheadings at ###). */
  body: string;
}

/** A part of `npm run bench`. */
export interface BenchPart {
  id: string;
  run(log: (line: string) => void): Promise<BenchSection>;
}

/** Nearest-rank percentile. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}
export const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
export const ms = (value: number) => `${Math.round(value)} ms`;
/** baseline / ours, so above 1 means ours is lower (better). */
export const ratio = (baseline: number, ours: number) => {
  if (ours <= 0) return "∞";
  const r = baseline / ours;
  return `${r < 0.1 ? r.toPrecision(2) : r.toFixed(2)}×`;
};
const mark = (ok: boolean) => (ok ? "✓" : "✗");

export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ].join("\n");
}

export function sh(command: string): string {
  try {
    return execSync(command, { encoding: "utf8" }).trimEnd();
  } catch {
    return "(unavailable)";
  }
}

export function machineDescription(): string {
  return [
    `- CPUs (\`nproc\`): ${sh("nproc")} (${os.cpus()[0]?.model ?? "unknown model"})`,
    `- Memory (\`free -m\`):\n\n\`\`\`\n${sh("free -m")}\n\`\`\`\n`,
    `- Node: ${process.version} (${process.platform}/${process.arch})`,
  ].join("\n");
}

const loadAverage = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");

/** Run one part and time it: the section gets the run's date, duration and load average. */
export async function runPart(part: BenchPart, log: (line: string) => void): Promise<string> {
  const started = new Date();
  const loadBefore = loadAverage();
  log(`bench ${part.id}: ${started.toISOString()}, load average ${loadBefore}`);
  const section = await part.run(log);
  const finished = new Date();
  const goals = section.goals.map(([ok, text]) => `- ${mark(ok)} ${text}`).join("\n");
  log(goals);
  const seconds = Math.round((finished.getTime() - started.getTime()) / 1000);
  return `<!-- bench:${section.id} -->
## ${section.title}

${section.intro}

- Command: \`npm run bench -- ${section.id}\` (code under \`bench/\`)
- Date: ${started.toISOString()} → ${finished.toISOString()} (${seconds} s); Node ${process.version}
- Load average (1/5/15 min) before: ${loadBefore}, after: ${loadAverage()}. The machine may be shared with other jobs; timings are wall-clock.

### Goals

${goals}

${section.body.trim()}
<!-- /bench:${section.id} -->`;
}

const HEADER = `# Benchmarks

Issue 6's performance goals, each measured against the fixed-poll baseline (the Databricks background-mode recipe:
first look 1 s after create, then every 2 s, finished text replayed one word per event with a 10 ms pause) in the
same run. \`npm run bench\` runs every part and rewrites this file; \`npm run bench -- <part>\` re-runs one part and
replaces only its section. Not part of \`npm test\`.`;

/** Put the parts' sections into BENCHMARKS.md in `order`, keeping the sections of parts that did not run. */
export function writeBenchmarks(path: string, fresh: Map<string, string>, order: string[]): void {
  const old = existsSync(path) ? readFileSync(path, "utf8") : "";
  const sections = order.flatMap((id) => {
    const kept = old.match(new RegExp(`<!-- bench:${id} -->[\\s\\S]*?<!-- /bench:${id} -->`))?.[0];
    const section = fresh.get(id) ?? kept;
    return section ? [section] : [];
  });
  const doc = `${HEADER}\n\n## Machine\n\n${machineDescription()}\n\n${sections.join("\n\n")}\n`;
  writeFileSync(path, doc);
}
