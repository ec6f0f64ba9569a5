import { describe, expect, it } from "vitest";
import { ArithmeticError, evaluateArithmetic, formatArithmeticResult, MAX_NESTING_DEPTH } from "./arithmetic";

const calc = (expression: string) => formatArithmeticResult(evaluateArithmetic(expression));
const failure = (expression: string) => {
  try {
    evaluateArithmetic(expression);
  } catch (err) {
    expect(err).toBeInstanceOf(ArithmeticError);
    return (err as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(expression)} to fail`);
};

describe("evaluateArithmetic", () => {
  it("follows the usual precedence", () => {
    expect(calc("17 * 23 + 4")).toBe("395");
    expect(calc("2 + 3 * 4 - 6 / 2")).toBe("11");
    expect(calc("2 * 3 ^ 2")).toBe("18");
    expect(calc("10 - 4 - 3")).toBe("3");
    expect(calc("100 / 10 / 5")).toBe("2");
    expect(calc("17 % 5 * 2")).toBe("4");
  });

  it("makes ^ right-associative and binds it tighter than unary minus", () => {
    expect(calc("2 ^ 3 ^ 2")).toBe("512");
    expect(calc("-2 ^ 2")).toBe("-4");
    expect(calc("(-2) ^ 2")).toBe("4");
    expect(calc("2 ^ -1")).toBe("0.5");
    expect(calc("2 ** 10")).toBe("1024");
  });

  it("handles unary signs and parentheses", () => {
    expect(calc("-3 + 5")).toBe("2");
    expect(calc("--3")).toBe("3");
    expect(calc("4 * -2")).toBe("-8");
    expect(calc("+7")).toBe("7");
    expect(calc("(1 + 2) * (3 + 4)")).toBe("21");
    expect(calc("((((5))))")).toBe("5");
    expect(calc("-(2 + 3)")).toBe("-5");
  });

  it("knows its functions and constants, case-insensitively", () => {
    expect(calc("sqrt(16)")).toBe("4");
    expect(calc("abs(-3.5)")).toBe("3.5");
    expect(calc("round(2.5) + floor(2.7) + ceil(2.1)")).toBe("8");
    expect(calc("min(4, 2, 8) + max(1, 9)")).toBe("11");
    expect(calc("log(1000)")).toBe("3");
    expect(calc("ln(e)")).toBe("1");
    expect(calc("sin(pi / 2) + cos(0) + tan(0)")).toBe("2");
    expect(calc("PI")).toBe("3.14159265359");
    expect(calc("Sqrt(2) ^ 2")).toBe("2");
  });

  it("reads decimals and exponents and formats away float noise", () => {
    expect(calc("0.1 + 0.2")).toBe("0.3");
    expect(calc(".5 + 1.")).toBe("1.5");
    expect(calc("1e3 + 2.5E-1")).toBe("1000.25");
    expect(calc("1 / 3")).toBe("0.333333333333");
    expect(calc("2 ^ 52")).toBe("4503599627370496");
    expect(calc("-0")).toBe("0");
    expect(calc("1e21 * 10")).toBe("1e+22");
  });

  it("refuses division by zero and results that are not finite real numbers", () => {
    expect(failure("1 / 0")).toBe("division by zero at position 3");
    expect(failure("5 % (2 - 2)")).toBe("division by zero at position 3");
    expect(failure("10 ^ 400")).toMatch(/too large/);
    expect(failure("(-8) ^ (1 / 3)")).toMatch(/not a real number/);
    expect(failure("sqrt(-1)")).toMatch(/sqrt of a negative number at position 1/);
    expect(failure("ln(0)")).toMatch(/ln of a number ≤ 0/);
    expect(failure("1e400")).toMatch(/too large/);
  });

  it("reports syntax errors with a 1-based position", () => {
    expect(failure("2 + * 3")).toBe('unexpected "*" at position 5');
    expect(failure("(1 + 2")).toBe('missing ")" for the "(" at position 1');
    expect(failure("1 +")).toBe("the expression ends too early at position 4");
    expect(failure("")).toBe("the expression is empty");
    expect(failure("2 3")).toBe('unexpected "3" at position 3 (write * to multiply)');
    expect(failure("2pi")).toBe('unexpected "pi" at position 2 (write * to multiply)');
    expect(failure("4 # 2")).toBe('unexpected character "#" at position 3');
    expect(failure("2 😀 2")).toBe('unexpected character "😀" at position 3');
    expect(failure("max(1,)")).toBe('unexpected ")" at position 7');
    expect(failure("sqrt(1, 2)")).toBe("sqrt takes 1 argument, got 2, at position 1");
    expect(failure("min()")).toBe("min takes at least 1 argument, got 0, at position 1");
    expect(failure("sqrt 4")).toMatch(/sqrt needs parentheses/);
  });

  it("limits nesting so hostile input fails cleanly", () => {
    const deep = `${"(".repeat(MAX_NESTING_DEPTH + 1)}1${")".repeat(MAX_NESTING_DEPTH + 1)}`;
    expect(failure(deep)).toMatch(/nested too deeply/);
    expect(failure(`${"-".repeat(200)}1`)).toMatch(/nested too deeply/);
    expect(calc(`${"(".repeat(MAX_NESTING_DEPTH)}1${")".repeat(MAX_NESTING_DEPTH)}`)).toBe("1");
  });

  it("rejects anything that is not arithmetic, without ever evaluating it as code", () => {
    expect(failure("constructor")).toMatch(/^unknown name "constructor" at position 1/);
    expect(failure("__proto__")).toMatch(/^unknown name "__proto__"/);
    expect(failure("toString(1)")).toMatch(/^unknown function "toString"/);
    expect(failure("alert(1)")).toMatch(/^unknown function "alert" at position 1; known functions: sqrt/);
    expect(failure("process.exit()")).toBe('unexpected character "." at position 8');
    expect(failure("require('fs')")).toMatch(/unexpected character "'"/);
    expect(failure("[1, 2]")).toMatch(/unexpected character "\["/);
    expect(failure("x => 1")).toMatch(/unexpected character "="/);
    // Were this handed to eval, it would set a global; here it is a syntax error and nothing runs.
    expect(failure("globalThis.x=1")).toBe('unexpected character "." at position 11');
    expect((globalThis as { x?: unknown }).x).toBeUndefined();
  });
});
