import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The node flags `npm run serve` (package.json) starts the app with, read from that script, so the tests, the
 * soak and the benchmarks run the server as users do. Today one: V8's old-space cap, which decides how much
 * garbage the heap may gather between full collections (see the "serve" section of the README).
 */
export function serveNodeFlags(
  cwd: string = process.cwd(),
  env: Record<string, string | undefined> = process.env,
): string[] {
  const scripts = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8")).scripts as Record<
    string,
    string
  >;
  const cap = /--max-old-space-size=\$\{NODE_HEAP_MB:-(\d+)\}/.exec(scripts.serve ?? "");
  if (!cap)
    throw new Error(`package.json's "serve" script no longer sets --max-old-space-size=\${NODE_HEAP_MB:-N}`);
  return [`--max-old-space-size=${env.NODE_HEAP_MB ?? cap[1]}`];
}
