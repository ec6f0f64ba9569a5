/** Runs once when the server starts (Node runtime only). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkConfigAtStartup } = await import("./lib/supervisor/startup");
  checkConfigAtStartup();
  // Open and migrate the database now, so the first chat does not wait for it.
  const { getChatStore } = await import("./lib/db");
  // Any query opens it; this one reads nothing.
  getChatStore()
    .getChat("")
    .catch((err: unknown) =>
      console.error(
        `The chat database could not be opened: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
}
