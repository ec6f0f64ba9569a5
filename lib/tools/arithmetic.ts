/**
 * A small arithmetic evaluator for the `calculate` tool. The expression comes from a model (and through it from
 * whoever wrote the chat), so it is tokenized and parsed here and never handed to `eval` or `Function`: anything
 * but numbers, operators, parentheses and the names below is a syntax error.
 *
 * Grammar (lowest precedence first; `^` binds tighter than unary minus, so -2^2 = -4, and is right-associative):
 *   expression := term (("+" | "-") term)*
 *   term       := unary (("*" | "/" | "%") unary)*
 *   unary      := ("+" | "-") unary | power
 *   power      := primary ("^" unary)?
 *   primary    := number | constant | function "(" expression ("," expression)* ")" | "(" expression ")"
 */

/** A mistake in the expression; the message names the 1-based character position where it is. */
export class ArithmeticError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ArithmeticError";
  }
}

/** Deep enough for any real formula; shallow enough that "((((…" cannot exhaust the stack. */
export const MAX_NESTING_DEPTH = 50;

const CONSTANTS = new Map<string, number>([
  ["pi", Math.PI],
  ["e", Math.E],
]);

interface MathFunction {
  minArgs: number;
  maxArgs: number;
  apply(args: number[]): number;
}

const oneArg = (fn: (x: number) => number): MathFunction => ({
  minArgs: 1,
  maxArgs: 1,
  apply: ([x]) => fn(x as number),
});

// A Map, so names like "constructor" or "__proto__" are simply unknown instead of reaching Object.prototype.
const FUNCTIONS = new Map<string, MathFunction>([
  ["sqrt", oneArg((x) => (x < 0 ? domainError("sqrt of a negative number") : Math.sqrt(x)))],
  ["abs", oneArg(Math.abs)],
  ["round", oneArg(Math.round)],
  ["floor", oneArg(Math.floor)],
  ["ceil", oneArg(Math.ceil)],
  ["min", { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, apply: (args) => Math.min(...args) }],
  ["max", { minArgs: 1, maxArgs: Number.POSITIVE_INFINITY, apply: (args) => Math.max(...args) }],
  ["log", oneArg((x) => (x <= 0 ? domainError("log of a number ≤ 0") : Math.log10(x)))],
  ["ln", oneArg((x) => (x <= 0 ? domainError("ln of a number ≤ 0") : Math.log(x)))],
  ["sin", oneArg(Math.sin)],
  ["cos", oneArg(Math.cos)],
  ["tan", oneArg(Math.tan)],
]);

class DomainError extends Error {}
function domainError(message: string): never {
  throw new DomainError(message);
}

type Token =
  | { kind: "number"; value: number; text: string; pos: number }
  | { kind: "name"; text: string; pos: number }
  | { kind: "symbol"; text: string; pos: number }
  | { kind: "end"; text: ""; pos: number };

const NUMBER = /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const SYMBOLS = new Set(["+", "-", "*", "/", "%", "^", "(", ")", ","]);

/** Positions are 0-based here and shown 1-based, the way a person counts characters. */
function at(pos: number): string {
  return `at position ${pos + 1}`;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    NUMBER.lastIndex = i;
    NAME.lastIndex = i;
    const number = NUMBER.exec(source);
    const name = number ? null : NAME.exec(source);
    if (number) {
      const value = Number(number[0]);
      if (!Number.isFinite(value)) throw new ArithmeticError(`number ${number[0]} is too large ${at(i)}`);
      tokens.push({ kind: "number", value, text: number[0], pos: i });
      i += number[0].length;
    } else if (name) {
      tokens.push({ kind: "name", text: name[0], pos: i });
      i += name[0].length;
    } else if (source.startsWith("**", i)) {
      // Models often write Python's power operator.
      tokens.push({ kind: "symbol", text: "^", pos: i });
      i += 2;
    } else if (SYMBOLS.has(char)) {
      tokens.push({ kind: "symbol", text: char, pos: i });
      i++;
    } else {
      // The whole code point, so an emoji is quoted as itself rather than as half a surrogate pair.
      const whole = String.fromCodePoint(source.codePointAt(i) ?? 0);
      throw new ArithmeticError(`unexpected character ${JSON.stringify(whole)} ${at(i)}`);
    }
  }
  tokens.push({ kind: "end", text: "", pos: source.length });
  return tokens;
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): number {
    const value = this.expression();
    const next = this.peek();
    if (next.kind !== "end") throw this.unexpected(next);
    return value;
  }

  private expression(): number {
    let value = this.term();
    for (let op = this.peek(); op.text === "+" || op.text === "-"; op = this.peek()) {
      this.index++;
      const right = this.term();
      value = finite(op.text === "+" ? value + right : value - right, op);
    }
    return value;
  }

  private term(): number {
    let value = this.unary();
    for (let op = this.peek(); op.text === "*" || op.text === "/" || op.text === "%"; op = this.peek()) {
      this.index++;
      const right = this.unary();
      if (op.text !== "*" && right === 0) throw new ArithmeticError(`division by zero ${at(op.pos)}`);
      value = finite(op.text === "*" ? value * right : op.text === "/" ? value / right : value % right, op);
    }
    return value;
  }

  private unary(): number {
    const op = this.peek();
    if (op.kind === "symbol" && (op.text === "-" || op.text === "+")) {
      this.index++;
      const value = this.nested(op, () => this.unary());
      return op.text === "-" ? -value : value;
    }
    return this.power();
  }

  private power(): number {
    const base = this.primary();
    const op = this.peek();
    if (op.text !== "^") return base;
    this.index++;
    // Recursing into unary (not primary) makes ^ right-associative and allows 2^-1.
    const exponent = this.nested(op, () => this.unary());
    return finite(base ** exponent, op);
  }

  private primary(): number {
    const token = this.next();
    if (token.kind === "number") return token.value;
    if (token.kind === "symbol" && token.text === "(") {
      const value = this.nested(token, () => this.expression());
      this.expect(")", token);
      return value;
    }
    if (token.kind === "name") {
      const name = token.text.toLowerCase();
      if (this.peek().text === "(") return this.call(token, name);
      const constant = CONSTANTS.get(name);
      if (constant !== undefined) return constant;
      if (FUNCTIONS.has(name))
        throw new ArithmeticError(`${name} needs parentheses, e.g. ${name}(2), ${at(token.pos)}`);
      throw new ArithmeticError(
        `unknown name ${JSON.stringify(token.text)} ${at(token.pos)}; known constants: ${[...CONSTANTS.keys()].join(", ")}`,
      );
    }
    throw this.unexpected(token);
  }

  private call(nameToken: Token, name: string): number {
    const fn = FUNCTIONS.get(name);
    if (!fn) {
      throw new ArithmeticError(
        `unknown function ${JSON.stringify(nameToken.text)} ${at(nameToken.pos)}; known functions: ${[...FUNCTIONS.keys()].join(", ")}`,
      );
    }
    const open = this.next();
    const args = this.nested(open, () => {
      const values: number[] = [];
      if (this.peek().text === ")") return values;
      values.push(this.expression());
      while (this.peek().text === ",") {
        this.index++;
        values.push(this.expression());
      }
      return values;
    });
    this.expect(")", open);
    if (args.length < fn.minArgs || args.length > fn.maxArgs) {
      const wanted = `${fn.maxArgs === fn.minArgs ? "" : "at least "}${fn.minArgs} argument${fn.minArgs === 1 ? "" : "s"}`;
      throw new ArithmeticError(`${name} takes ${wanted}, got ${args.length}, ${at(nameToken.pos)}`);
    }
    try {
      return finite(fn.apply(args), nameToken);
    } catch (err) {
      if (err instanceof DomainError) throw new ArithmeticError(`${err.message} ${at(nameToken.pos)}`);
      throw err;
    }
  }

  /** Counts how deep parentheses, signs and exponents go, so hostile input fails cleanly instead of overflowing. */
  private nested<T>(token: Token, parse: () => T): T {
    if (++this.depth > MAX_NESTING_DEPTH) {
      throw new ArithmeticError(
        `expression is nested too deeply (more than ${MAX_NESTING_DEPTH} levels) ${at(token.pos)}`,
      );
    }
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private expect(text: string, opener: Token): void {
    const token = this.peek();
    if (token.text === text) {
      this.index++;
      return;
    }
    if (token.kind === "end") {
      throw new ArithmeticError(`missing "${text}" for the "(" ${at(opener.pos)}`);
    }
    throw this.unexpected(token);
  }

  private unexpected(token: Token): ArithmeticError {
    if (token.kind === "end") {
      return new ArithmeticError(
        token.pos === 0 ? "the expression is empty" : `the expression ends too early ${at(token.pos)}`,
      );
    }
    // A value right after a complete value ("2pi", "3(4)") is implicit multiplication, which is not supported.
    const previous = this.tokens[this.tokens.indexOf(token) - 1];
    const startsValue = token.kind !== "symbol" || token.text === "(";
    const afterValue = previous !== undefined && (previous.kind !== "symbol" || previous.text === ")");
    const hint = startsValue && afterValue ? " (write * to multiply)" : "";
    return new ArithmeticError(`unexpected ${JSON.stringify(token.text)} ${at(token.pos)}${hint}`);
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== "end") this.index++;
    return token;
  }
}

function finite(value: number, op: Token): number {
  if (!Number.isFinite(value)) {
    throw new ArithmeticError(
      `the result of ${JSON.stringify(op.text)} ${at(op.pos)} is ${Number.isNaN(value) ? "not a real number" : "too large"}`,
    );
  }
  return value;
}

export function evaluateArithmetic(expression: string): number {
  const value = new Parser(tokenize(expression)).parse();
  return Object.is(value, -0) ? 0 : value;
}

/**
 * 12 significant digits hide binary floating-point noise (0.1 + 0.2 → 0.3) while keeping every digit a person
 * would check; safe integers are shown exactly.
 */
export function formatArithmeticResult(value: number): string {
  if (Number.isSafeInteger(value)) return String(value);
  return String(Number(value.toPrecision(12)));
}
