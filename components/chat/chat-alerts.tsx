import { readableError } from "@/lib/client/readable-error";

const WARNING =
  "rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-200";
const FAILURE =
  "rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-200";

/**
 * What went wrong under the conversation, each in its own alert: a version that could not be shown, a Stop that
 * did not reach the upstream, and a request the server refused or that failed.
 */
export function ChatAlerts({
  versionError,
  stopError,
  requestError,
}: {
  versionError: string | null;
  stopError: string | null;
  requestError: Error | undefined;
}) {
  return (
    <>
      {versionError && (
        <div role="alert" className={WARNING}>
          {versionError}
        </div>
      )}
      {stopError && (
        <div role="alert" className={WARNING}>
          {stopError}
        </div>
      )}
      {requestError && (
        <div role="alert" className={FAILURE}>
          {readableError(requestError)}
        </div>
      )}
    </>
  );
}
