/**
 * The base of an error that callers recognise with `Class.is(err)`, by its name rather than by `instanceof`: a
 * production bundle can hold two copies of one module (a store's lazily imported chunk and the route's), and an
 * error thrown by one copy is not an instance of the other copy's class. The name is given here, as a string,
 * because minifiers rename classes.
 */
export function namedError(name: string) {
  return class NamedError extends Error {
    constructor(message: string) {
      super(message);
      this.name = name;
    }

    static is<T>(this: abstract new (...args: never[]) => T, err: unknown): err is T {
      return err instanceof Error && err.name === name;
    }
  };
}

/** What went wrong, for a log line or a reason: an error's message, or whatever was thrown as text. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
