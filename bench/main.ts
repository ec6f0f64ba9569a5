// `npm run bench [-- part…]`: issue 6's benchmarks, each against the fixed-poll baseline in the same run.
// Writes BENCHMARKS.md (see report.ts). Not part of `npm test`.

import { runBrowserBench } from "./browser";
import { runConcurrencyBench } from "./concurrency";
import { runEngineBench } from "./engine";
import { type BenchPart, runPart, writeBenchmarks } from "./report";
import { runTakeoverBench } from "./takeover";

const PARTS: BenchPart[] = [
  { id: "engine", run: runEngineBench },
  { id: "concurrency", run: runConcurrencyBench },
  { id: "browser", run: runBrowserBench },
  { id: "takeover", run: runTakeoverBench },
];

async function main() {
  const asked = process.argv.slice(2).filter((a) => !a.startsWith("-"));
  const unknown = asked.filter((id) => !PARTS.some((p) => p.id === id));
  if (unknown.length > 0) {
    console.error(
      `Unknown bench part(s): ${unknown.join(", ")}. Parts: ${PARTS.map((p) => p.id).join(", ")}.`,
    );
    process.exit(2);
  }
  const chosen = asked.length > 0 ? PARTS.filter((p) => asked.includes(p.id)) : PARTS;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const path = new URL("../BENCHMARKS.md", import.meta.url).pathname;
  const fresh = new Map<string, string>();
  for (const part of chosen) {
    fresh.set(part.id, await runPart(part, log));
    // Written after each part, so a later part's failure keeps the earlier results.
    writeBenchmarks(
      path,
      fresh,
      PARTS.map((p) => p.id),
    );
  }
  log("wrote BENCHMARKS.md");
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
