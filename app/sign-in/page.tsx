import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { pageOwner } from "@/lib/auth/page-owner";
import { currentAuthMode } from "@/lib/auth/request";
import { pathAfterSignIn } from "@/lib/auth/sign-in-gate";
import { signInProblem } from "@/lib/auth/sign-in-messages";
import { APP_TITLE } from "@/lib/shared/chat-list";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: `Sign in · ${APP_TITLE}` };

type Search = Promise<Record<string, string | string[] | undefined>>;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The page a signed-out person lands on when sign-in is on: one button to the team's identity provider. */
export default async function SignInPage({ searchParams }: { searchParams: Search }) {
  const mode = currentAuthMode();
  const search = await searchParams;
  const next = pathAfterSignIn(first(search.next));
  if (mode.kind !== "oidc") redirect(next);
  if (await pageOwner()) redirect(next);
  const problem = signInProblem(first(search.error));
  return (
    <div className="m-auto w-full max-w-sm p-6">
      <h1 className="text-xl font-semibold">Sign in to {APP_TITLE}</h1>
      <p className="mt-2 text-zinc-600 dark:text-zinc-400">
        Your chats are yours: sign in to see them and to ask the agent.
      </p>
      {problem ? (
        <p
          role="alert"
          className="mt-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
        >
          {problem}
        </p>
      ) : first(search["signed-out"]) ? (
        <p role="status" className="mt-4 text-sm text-zinc-700 dark:text-zinc-300">
          You are signed out.
        </p>
      ) : null}
      <form method="post" action="/sign-in/start" className="mt-6">
        <input type="hidden" name="next" value={next} />
        <button
          type="submit"
          className="w-full rounded-md bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600"
        >
          Sign in with {mode.oidc.providerName}
        </button>
      </form>
    </div>
  );
}
