/** Runs once when the server starts (Node runtime only). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { errorText } = await import("./lib/shared/named-error");
  const { checkConfigAtStartup } = await import("./lib/supervisor/startup");
  const { checkAuthAtStartup } = await import("./lib/auth/startup");
  checkAuthAtStartup(checkConfigAtStartup().provider);
  // Open and migrate the database now, so the first chat does not wait for it.
  const { getChatStore } = await import("./lib/db");
  // Any query opens it; this one reads nothing.
  getChatStore()
    .getChat("")
    .then(
      () =>
        followRunsLeftOpen().catch((err: unknown) =>
          console.error(`The runs left open could not be followed: ${errorText(err)}`),
        ),
      (err: unknown) => console.error(`The chat database could not be opened: ${errorText(err)}`),
    );
}

/**
 * Runs the last server left open are followed to their end here, by the app's own credentials; not where runs
 * may have been made with their users' forwarded tokens (those go on when their person opens the chat).
 */
async function followRunsLeftOpen() {
  const { getSupervisor, mayRunOnBehalfOfUsers } = await import("./lib/supervisor");
  if (mayRunOnBehalfOfUsers(getSupervisor().config)) return;
  const { getTurnDeps } = await import("./lib/chat/deps");
  const { followOpenRuns } = await import("./lib/chat/followers");
  const count = await followOpenRuns(getTurnDeps());
  if (count > 0) console.log(`Following ${count} run(s) left open by the last server.`);
}
