import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dropProcessState } from "@/lib/process-state";
import { vapidKeys } from "./vapid";

describe("vapidKeys", () => {
  it("takes the pair from the environment, and refuses half a pair or a bad subject", () => {
    const env = {
      VAPID_PUBLIC_KEY: "BPub",
      VAPID_PRIVATE_KEY: "priv",
      VAPID_SUBJECT: "mailto:ops@example.com",
    };
    expect(vapidKeys(env)).toEqual({
      publicKey: "BPub",
      privateKey: "priv",
      subject: "mailto:ops@example.com",
    });
    expect(() => vapidKeys({ VAPID_PUBLIC_KEY: "BPub" })).toThrow(/go together/);
    expect(() => vapidKeys({ ...env, VAPID_SUBJECT: "ops@example.com" })).toThrow(/mailto:/);
  });

  it("without them, generates a pair once into the data directory, readable by its owner only", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "bac-vapid-"));
    dropProcessState("vapid-keys");
    const first = vapidKeys({ DATA_DIR: dir });
    expect(first.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(first.subject).toMatch(/^mailto:/);
    const file = path.join(dir, "vapid-keys.json");
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
      publicKey: first.publicKey,
      privateKey: first.privateKey,
    });
    expect(statSync(file).mode & 0o077).toBe(0);
    // A restart (a new process) reads the same pair back.
    dropProcessState("vapid-keys");
    expect(vapidKeys({ DATA_DIR: dir })).toEqual(first);
    dropProcessState("vapid-keys");
  });
});
