import { describe, expect, it } from "vitest";
import { serveNodeFlags } from "./serve-flags";

describe("serveNodeFlags", () => {
  it("are the node flags of `npm run serve`, with NODE_HEAP_MB filled in as the shell would", () => {
    expect(serveNodeFlags(process.cwd(), {})).toEqual([
      "--max-old-space-size=1024",
      "--max-semi-space-size=8",
    ]);
    expect(serveNodeFlags(process.cwd(), { NODE_HEAP_MB: "3072" })[0]).toBe("--max-old-space-size=3072");
  });
});
