import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { dataDir } from "@/lib/data-dir";
import { processState } from "@/lib/process-state";

const MIN_SECRET_CHARS = 32;

/**
 * The key that signs session cookies. `SESSION_SECRET` when set (required wherever several instances serve
 * one app, e.g. Vercel); otherwise a random key kept in `.data/session-secret` so sessions survive restarts,
 * or, when that cannot be written (read-only disk), a key for this process only (sessions end on restart).
 */
export function sessionSecret(env: Record<string, string | undefined> = process.env): string {
  const configured = env.SESSION_SECRET?.trim();
  if (configured) {
    if (configured.length < MIN_SECRET_CHARS) {
      throw new Error(`SESSION_SECRET must be at least ${MIN_SECRET_CHARS} characters long.`);
    }
    return configured;
  }
  // One per process: the proxy and the routes are bundled apart but must sign with the same key.
  return processState("session-key", () =>
    fileSecret(
      path.resolve(
        /* turbopackIgnore: true */ env.SESSION_SECRET_FILE?.trim() ||
          path.join(dataDir(env), "session-secret"),
      ),
    ),
  );
}

function fileSecret(file: string): string {
  try {
    const existing = readFileSync(file, "utf8").trim();
    if (existing.length >= MIN_SECRET_CHARS) return existing;
  } catch {
    // not there yet
  }
  const secret = randomBytes(32).toString("base64url");
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // `wx`: when two processes start at once, the second one reads the first one's key instead.
    writeFileSync(file, secret, { flag: "wx", mode: 0o600 });
    return secret;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    console.warn(
      "Could not store a session key (set SESSION_SECRET); sessions will not survive a restart of this process.",
    );
    return secret;
  }
}
