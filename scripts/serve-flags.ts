import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The node flags `npm run serve` (package.json) starts the app with, read from that script, so the tests, the
 * soak and the benchmarks run the server as users do: V8's heap sizing, which decides how much garbage the heap
 * may gather between collections (see "Memory" in the README). `${NODE_HEAP_MB:-N}` is filled in as the shell
 * would.
 */
export function serveNodeFlags(
  cwd: string = process.cwd(),
  env: Record<string, string | undefined> = process.env,
): string[] {
  const scripts = JSON.parse(readFileSync(join(cwd, "package.json"), "utf8")).scripts as Record<
    string,
    string
  >;
  const serve = scripts.serve ?? "";
  if (!/--max-old-space-size=\$\{NODE_HEAP_MB:-\d+\}/.test(serve))
    throw new Error(`package.json's "serve" script no longer sets --max-old-space-size=\${NODE_HEAP_MB:-N}`);
  const flags = /^node ((?:--\S+ )+)node_modules\/next\/dist\/bin\/next start/.exec(serve);
  if (!flags?.[1])
    throw new Error(`package.json's "serve" script is not "node <flags> …/next start": ${serve}`);
  return flags[1]
    .trim()
    .split(" ")
    .map((flag) =>
      flag.replace(/\$\{NODE_HEAP_MB:-(\d+)\}/, (_, fallback: string) => env.NODE_HEAP_MB ?? fallback),
    );
}
