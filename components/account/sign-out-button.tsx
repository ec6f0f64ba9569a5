/**
 * Who is signed in, and the way out: a plain form (it works before any script has loaded). Shown in the header
 * only when sign-in is on.
 */
export function SignOutButton({ email }: { email: string }) {
  return (
    <form method="post" action="/sign-out" className="flex shrink-0 items-center gap-2">
      <span
        className="hidden max-w-48 truncate text-sm text-zinc-600 sm:inline dark:text-zinc-400"
        title={email}
      >
        {email}
      </span>
      <button
        type="submit"
        aria-label={`Sign out ${email}`}
        className="shrink-0 rounded-md px-3 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600 dark:text-zinc-300 dark:hover:bg-zinc-800"
      >
        Sign out
      </button>
    </form>
  );
}
