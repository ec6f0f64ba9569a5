// Web Push in the browser: the service worker (public/sw.js) and this browser's subscription, which the server
// sends to when a run of this person's ends with no tab open.

/** `unsupported`: no service workers or push here; `blocked`: notifications are denied for the site. */
export type PushState = "unsupported" | "blocked" | "off" | "on";

const WORKER = "/sw.js";

const supported = () =>
  typeof window !== "undefined" &&
  "serviceWorker" in navigator &&
  "PushManager" in window &&
  "Notification" in window;

/** Whether this browser is subscribed now (as the browser itself says). */
export async function pushState(): Promise<PushState> {
  if (!supported()) return "unsupported";
  if (Notification.permission === "denied") return "blocked";
  const registration = await navigator.serviceWorker.getRegistration(WORKER);
  const subscription = await registration?.pushManager.getSubscription();
  return subscription && Notification.permission === "granted" ? "on" : "off";
}

/**
 * Ask for permission (only here, when the person turns it on), register the worker, subscribe with the app's
 * key and hand the subscription to the server. Throws with a message a person can act on.
 */
export async function turnPushOn(): Promise<PushState> {
  if (!supported()) return "unsupported";
  const permission =
    Notification.permission === "default" ? await Notification.requestPermission() : Notification.permission;
  if (permission !== "granted") return "blocked";
  const keyAnswer = await fetch("/api/push", { cache: "no-store" });
  if (!keyAnswer.ok) throw new Error("The server has no push key for this browser. Try again later.");
  const { publicKey } = (await keyAnswer.json()) as { publicKey: string };
  const registration = await navigator.serviceWorker.register(WORKER);
  await navigator.serviceWorker.ready;
  const existing = await registration.pushManager.getSubscription();
  // A subscription made with another key (the server's keys changed) cannot be sent to: make a new one.
  if (existing && !sameKey(existing.options.applicationServerKey, publicKey)) await existing.unsubscribe();
  const subscription =
    (await registration.pushManager.getSubscription()) ??
    (await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: fromBase64Url(publicKey),
    }));
  const saved = await fetch("/api/push/subscriptions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(subscription.toJSON()),
  });
  if (!saved.ok) {
    const reason = ((await saved.json().catch(() => null)) as { error?: { message?: string } } | null)?.error
      ?.message;
    throw new Error(reason ?? "The server did not take this browser's subscription.");
  }
  return "on";
}

/** Unsubscribe this browser, here and on the server. */
export async function turnPushOff(): Promise<PushState> {
  if (!supported()) return "unsupported";
  const registration = await navigator.serviceWorker.getRegistration(WORKER);
  const subscription = await registration?.pushManager.getSubscription();
  if (subscription) {
    await fetch("/api/push/subscriptions", {
      method: "DELETE",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ endpoint: subscription.endpoint }),
    }).catch(() => undefined);
    await subscription.unsubscribe();
  }
  return "off";
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const base64 = text
    .replace(/-/g, "+")
    .replace(/_/g, "/")
    .padEnd(Math.ceil(text.length / 4) * 4, "=");
  const bytes = atob(base64);
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  for (let i = 0; i < bytes.length; i++) out[i] = bytes.charCodeAt(i);
  return out;
}

function sameKey(key: ArrayBuffer | null, publicKey: string): boolean {
  if (!key) return false;
  const wanted = fromBase64Url(publicKey);
  const have = new Uint8Array(key);
  return have.length === wanted.length && have.every((byte, i) => byte === wanted[i]);
}
