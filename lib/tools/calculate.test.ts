import { describe, expect, it } from "vitest";
import { calculateTool, MAX_EXPRESSION_LENGTH } from "./calculate";

const context = { now: () => new Date(0) };

describe("calculate", () => {
  it("answers with the formatted result", async () => {
    expect(await calculateTool.execute({ expression: "17 * 23 + 4" }, context)).toBe("395");
    expect(await calculateTool.execute({ expression: "0.1 * 3" }, context)).toBe("0.3");
  });

  it("takes a string expression of at most 500 characters", () => {
    expect(calculateTool.args.safeParse({ expression: "1+1" }).success).toBe(true);
    expect(calculateTool.args.safeParse({ expression: 5 }).success).toBe(false);
    expect(calculateTool.args.safeParse({}).success).toBe(false);
    const long = `${"1+".repeat(MAX_EXPRESSION_LENGTH / 2)}1`;
    const result = calculateTool.args.safeParse({ expression: long });
    expect(result.error?.issues[0]?.message).toBe("must be at most 500 characters");
  });
});
