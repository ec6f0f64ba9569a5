import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ask, assistantMessages, waitForRunToEnd } from "./helpers";
import { type NextServer, startNextServer } from "./next-server";
import { READ_ONLY_PORT } from "./ports";

// Serverless functions and hardened containers give an app a read-only working directory and a writable /tmp.
// The production build is started with NODE_ENV=production in a directory it cannot write: as root, the server
// runs as `nobody` in the checkout (root's); otherwise in a copy of the app whose files are made read-only. It
// must serve chats with everything it writes under its temporary directory.

test.describe.configure({ timeout: 120_000 });

const isRoot = process.getuid?.() === 0;
let app: NextServer | undefined;
let temporary: string;
let output = "";

/** A copy of the built app (no cache), its files read-only; node_modules linked, not copied. */
function readOnlyCopy(root: string): string {
  const dir = path.join(root, "app");
  mkdirSync(dir);
  cpSync(".next", path.join(dir, ".next"), {
    recursive: true,
    filter: (src) => !src.includes(`${path.sep}cache`),
  });
  for (const file of ["package.json", "next.config.mjs"]) cpSync(file, path.join(dir, file));
  if (existsSync("public")) cpSync("public", path.join(dir, "public"), { recursive: true });
  symlinkSync(path.resolve("node_modules"), path.join(dir, "node_modules"));
  const lock = (target: string) => {
    for (const entry of readdirSync(target, { withFileTypes: true })) {
      if (entry.isDirectory()) lock(path.join(target, entry.name));
      else if (entry.isFile()) chmodSync(path.join(target, entry.name), 0o444);
    }
    chmodSync(target, 0o555);
  };
  for (const name of [".next", "public"]) if (existsSync(path.join(dir, name))) lock(path.join(dir, name));
  chmodSync(dir, 0o555);
  return dir;
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  temporary = mkdtempSync(path.join(tmpdir(), "read-only-e2e-"));
  let appDir: string | undefined;
  if (isRoot) chownSync(temporary, 65534, 65534);
  else appDir = readOnlyCopy(temporary);
  app = await startNextServer({
    port: READ_ONLY_PORT,
    ...(isRoot ? { runAs: "nobody" } : { cwd: appDir as string }),
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
  if (!temporary) return;
  // Make the read-only copy removable again.
  const unlock = (target: string) => {
    if (!existsSync(target)) return;
    chmodSync(target, 0o755);
    for (const name of readdirSync(target, { withFileTypes: true }))
      if (name.isDirectory()) unlock(path.join(target, name.name));
  };
  if (!isRoot) unlock(path.join(temporary, "app"));
  rmSync(temporary, { recursive: true, force: true });
});

test("a production server with a read-only working directory serves chats from its temporary directory", async ({
  page,
}) => {
  if (!app) throw new Error("no server");

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
