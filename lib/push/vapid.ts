import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import webpush from "web-push";
import { dataDir } from "@/lib/data-dir";
import { processState } from "@/lib/process-state";

/** The app's VAPID key pair (identifies it to the browsers' push services) and its contact. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** `mailto:` or `https:` contact the push services may use about this app's pushes. */
  subject: string;
}

const DEFAULT_SUBJECT = "mailto:push@background-agent-chat.invalid";

/**
 * VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY when set (required where several instances serve one app: a
 * subscription is bound to the public key it was made with); otherwise a pair generated once into the data
 * directory (`vapid-keys.json`), or, where that cannot be written, one for this process only.
 */
export function vapidKeys(env: Record<string, string | undefined> = process.env): VapidKeys {
  const subject = env.VAPID_SUBJECT?.trim() || DEFAULT_SUBJECT;
  if (!/^(mailto:|https:\/\/)/.test(subject))
    throw new Error(`VAPID_SUBJECT must be a mailto: or https:// address, got ${JSON.stringify(subject)}.`);
  const publicKey = env.VAPID_PUBLIC_KEY?.trim();
  const privateKey = env.VAPID_PRIVATE_KEY?.trim();
  if (publicKey || privateKey) {
    if (!publicKey || !privateKey)
      throw new Error(
        "VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY go together (`npx web-push generate-vapid-keys`).",
      );
    return { publicKey, privateKey, subject };
  }
  return {
    ...processState("vapid-keys", () => storedKeys(path.join(dataDir(env), "vapid-keys.json"))),
    subject,
  };
}

function storedKeys(file: string): Omit<VapidKeys, "subject"> {
  try {
    const stored = JSON.parse(readFileSync(file, "utf8")) as Partial<VapidKeys>;
    if (stored.publicKey && stored.privateKey)
      return { publicKey: stored.publicKey, privateKey: stored.privateKey };
  } catch {
    // not there yet
  }
  const { publicKey, privateKey } = webpush.generateVAPIDKeys();
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // `wx`: when two processes start at once, the second one reads the first one's keys instead.
    writeFileSync(file, JSON.stringify({ publicKey, privateKey }), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return storedKeys(file);
    console.warn(
      "Could not store the push keys (set VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY): push subscriptions end with this process.",
    );
  }
  return { publicKey, privateKey };
}
