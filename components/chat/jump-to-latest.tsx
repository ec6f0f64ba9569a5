/**
 * Shown while the reader is scrolled up: back to the newest message, following it again from there. In a row of
 * its own under the conversation rather than floating over it, where it hid table cells and links.
 */
export function JumpToLatest({ onClick }: { onClick: () => void }) {
  return (
    <div className="flex justify-center pt-2">
      <button
        type="button"
        onClick={onClick}
        className="flex items-center gap-1 rounded-full border border-zinc-300 bg-white px-3 py-1.5 text-sm font-medium text-zinc-800 shadow-md hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:border-zinc-600 dark:bg-zinc-800 dark:text-zinc-100 dark:hover:bg-zinc-700"
      >
        <span aria-hidden>↓</span>
        Jump to latest
      </button>
    </div>
  );
}
