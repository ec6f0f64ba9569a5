// State there must be one of per server process. Next bundles route handlers and pages separately, each with
// its own copy of a module's top-level variables (and reloads modules in development), so a store, an emulator or
// the set of live runs kept in a plain module variable would exist several times over. They live in one registry
// on `globalThis` instead, each under its own name.

const REGISTRY = Symbol.for("background-agent-chat.process-state");

type Registry = Map<string, unknown>;

function registry(): Registry {
  const slot = globalThis as { [REGISTRY]?: Registry };
  slot[REGISTRY] ??= new Map();
  return slot[REGISTRY];
}

/** The process's one `name`, made by `create` the first time it is asked for. */
export function processState<T>(name: string, create: () => T): T {
  const states = registry();
  if (!states.has(name)) states.set(name, create());
  return states.get(name) as T;
}

/** The process's `name` if something made it already. */
export function existingProcessState<T>(name: string): T | undefined {
  return registry().get(name) as T | undefined;
}

/** Forget `name`: the next `processState` makes it again. */
export function dropProcessState(name: string): void {
  registry().delete(name);
}
