/** Runs once when the server starts (Node runtime only). */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { checkConfigAtStartup } = await import("./lib/supervisor/startup");
  checkConfigAtStartup();
}
