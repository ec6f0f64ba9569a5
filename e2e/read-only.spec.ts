import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ask, assistantMessages, waitForRunToEnd } from "./helpers";
import { type NextServer, startNextServer } from "./next-server";
import { READ_ONLY_PORT } from "./ports";

// Serverless functions and hardened containers give an app a read-only working directory and a writable /tmp.
// The production build is started with NODE_ENV=production as an unprivileged user, for whom the checkout is
// read-only: it must serve chats with everything it writes under its temporary directory.

test.describe.configure({ timeout: 120_000 });

const isRoot = process.getuid?.() === 0;
let app: NextServer | undefined;
let temporary: string;
let output = "";

test.beforeAll(async () => {
  test.skip(
    !isRoot,
    "needs root, to start the server as an unprivileged user (`nobody`) for whom the checkout is read-only",
  );
  test.setTimeout(120_000);
  temporary = mkdtempSync(path.join(tmpdir(), "read-only-e2e-"));
  chownSync(temporary, 65534, 65534);
  app = await startNextServer({
    port: READ_ONLY_PORT,
    runAs: "nobody",
    timeoutMs: 90_000,
    onOutput: (text) => {
      output += text;
    },
    env: {
      NODE_ENV: "production",
      HOME: temporary,
      TMPDIR: temporary,
      SUPERVISOR_PROVIDER: "emulator",
      EMULATOR_TIME_SCALE: "0.05",
      SUPERVISOR_POLL_INTERVAL_MS: "250",
      // Unset on purpose: no PGLITE_DIR, no DATA_DIR, no SESSION_SECRET. The defaults must cope.
      PGLITE_DIR: "",
      DATA_DIR: "",
      SESSION_SECRET: "",
    },
  });
});

test.afterAll(async () => {
  await app?.kill();
  if (temporary) rmSync(temporary, { recursive: true, force: true });
});

test("a production server with a read-only working directory serves chats from its temporary directory", async ({
  page,
}) => {
  if (!app) throw new Error("no server");
  const checkout = statSync(process.cwd());
  expect(checkout.uid).not.toBe(65534); // not nobody's: read-only to the server

  expect(await (await fetch(`${app.url}/api/health`)).json()).toMatchObject({
    status: "ok",
    database: { ok: true },
  });
  await page.goto(`${app.url}/`);
  await ask(page, "What can you do?");
  await waitForRunToEnd(page);
  await expect(assistantMessages(page)).toHaveCount(1);
  await page.reload();
  await expect(assistantMessages(page)).toHaveCount(1);

  // Its database and session key are in the temporary directory, and nothing failed to be written.
  const own = path.join(temporary, "background-agent-chat");
  expect(existsSync(path.join(own, "pglite"))).toBe(true);
  expect(readdirSync(own)).toContain("session-secret");
  expect(output).toContain("The working directory is read-only");
  expect(output).not.toMatch(/EACCES|EROFS|permission denied/i);
});
