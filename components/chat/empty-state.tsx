import { EXAMPLE_PROMPTS } from "./example-prompts";

/** A new chat: what the app is for, and example prompts (one per kind of run) that send themselves. */
export function EmptyState({
  onPick,
  onEmulator,
}: {
  onPick: (prompt: string) => void;
  onEmulator: boolean;
}) {
  return (
    <div className="py-12 text-center text-zinc-600 dark:text-zinc-400">
      <h1 className="text-xl font-semibold text-zinc-900 dark:text-zinc-100">
        What should the agent work on?
      </h1>
      <p className="mt-2 text-sm">
        Runs go on in the background, so long multi-tool tasks finish even if a connection drops.
      </p>
      {onEmulator && (
        <p
          className="mx-auto mt-4 max-w-xl rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200"
          data-emulator-notice
        >
          <strong className="font-semibold">Demo mode:</strong> answers come from the built-in emulator of the
          Databricks Supervisor API, scripted from the words of your question. Connect your own agent with{" "}
          <code className="font-mono text-xs">SUPERVISOR_PROVIDER</code> and its credentials (see the README).
        </p>
      )}
      <h2 className="sr-only">Examples</h2>
      <ul className="mt-8 grid gap-3 text-left sm:grid-cols-2">
        {EXAMPLE_PROMPTS.map(({ label, prompt }) => (
          <li key={prompt}>
            <button
              type="button"
              onClick={() => onPick(prompt)}
              className="h-full w-full rounded-lg border border-zinc-200 bg-white px-4 py-3 text-left hover:border-zinc-300 hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:border-zinc-600 dark:hover:bg-zinc-800"
            >
              <span className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">{label}</span>
              <span className="mt-1 block text-sm text-zinc-900 dark:text-zinc-100">{prompt}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
