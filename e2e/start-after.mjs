// Starts `next start` on another port once the first web server (which builds the app) answers, so two
// servers with different settings can share one build.
import { spawn } from "node:child_process";

const [waitFor, port] = process.argv.slice(2);
const deadline = Date.now() + 300_000;
for (;;) {
  try {
    const response = await fetch(waitFor);
    if (response.ok) break;
  } catch {
    // not up yet
  }
  if (Date.now() > deadline) {
    console.error(`gave up waiting for ${waitFor}`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
}
// `npm run serve`: the app started as users start it (package.json's node flags included).
const child = spawn("npm", ["run", "--silent", "serve", "--", "-p", port, "-H", "127.0.0.1"], {
  stdio: "inherit",
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
