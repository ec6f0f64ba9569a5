import { z } from "zod";
import { evaluateArithmetic, formatArithmeticResult } from "./arithmetic";
import { defineClientTool } from "./types";

export const MAX_EXPRESSION_LENGTH = 500;

export const calculateTool = defineClientTool({
  name: "calculate",
  description:
    "Evaluate an arithmetic expression exactly instead of doing the math yourself. Supports numbers (1.5, 2e3), " +
    "+ - * / % ^ (power), parentheses, the constants pi and e, and sqrt, abs, round, floor, ceil, min, max, " +
    "log (base 10), ln, sin, cos, tan (radians). Returns the result as a number.",
  args: z.object({
    // The length limit is a refinement, not .max(): OpenAI's strict function schemas reject maxLength.
    expression: z
      .string()
      .describe(`The expression, at most ${MAX_EXPRESSION_LENGTH} characters, e.g. "(17 * 23 + 4) / 3"`)
      .refine((text) => text.length <= MAX_EXPRESSION_LENGTH, {
        error: `must be at most ${MAX_EXPRESSION_LENGTH} characters`,
      }),
  }),
  execute: ({ expression }) => formatArithmeticResult(evaluateArithmetic(expression)),
});
