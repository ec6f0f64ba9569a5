import { createServer, type Server } from "node:http";
import { type Browser, type BrowserContext, expect, type Page, test } from "@playwright/test";
import { testBrowser } from "../lib/push/testing";
import { ask } from "./helpers";
import { PORT, PUSH_SERVICE_PORT } from "./ports";
import { VAPID_PUBLIC_KEY } from "./secrets";

// Web Push end to end: a browser turns it on in Settings, closes its tab, and when the run ends the server
// sends an encrypted push to the browser's push service, whose message the browser's service worker shows as a
// notification that opens the chat. Chromium's own push service (FCM) is out of reach here, so the test stands
// one up (the server allows it by PUSH_SERVICE_ORIGINS) and hands the page a subscription on it, with keys the
// test holds; what arrives there is decrypted as the browser would and delivered to the real service worker
// through the DevTools protocol, as the browser's push service would.

const APP = `http://127.0.0.1:${PORT}`;
const ENDPOINT = `http://127.0.0.1:${PUSH_SERVICE_PORT}/push/e2e-browser`;

interface Pushed {
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

let service: Server;
const pushed: Pushed[] = [];

test.beforeAll(async () => {
  service = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      pushed.push({ headers: request.headers, body: Buffer.concat(chunks) });
      response.writeHead(201).end();
    });
  });
  await new Promise<void>((resolve) => service.listen(PUSH_SERVICE_PORT, "127.0.0.1", resolve));
});

test.afterAll(async () => {
  await new Promise((resolve) => service?.close(resolve));
});

/** A context whose pages get `subscription` from `pushManager.subscribe` (the push service is the test's). */
async function subscribedContext(
  browser: Browser,
  subscription: ReturnType<typeof testBrowser>["subscription"],
) {
  const context = await browser.newContext({ baseURL: APP });
  await context.grantPermissions(["notifications"], { origin: APP });
  await context.addInitScript(
    (json) => {
      if (!("PushManager" in self)) return;
      // A browser keeps its subscription across reloads: so does this one (in the page's storage).
      const FLAG = "e2e-push-subscribed";
      const key = Uint8Array.from(atob(json.appKey.replace(/-/g, "+").replace(/_/g, "/")), (c) =>
        c.charCodeAt(0),
      );
      const made = {
        endpoint: json.subscription.endpoint,
        expirationTime: null,
        options: { applicationServerKey: key.buffer, userVisibleOnly: true },
        toJSON: () => json.subscription,
        unsubscribe: async () => {
          localStorage.removeItem(FLAG);
          return true;
        },
      } as unknown as PushSubscription;
      PushManager.prototype.getSubscription = async () => (localStorage.getItem(FLAG) ? made : null);
      PushManager.prototype.subscribe = async () => {
        localStorage.setItem(FLAG, "1");
        return made;
      };
    },
    { subscription, appKey: VAPID_PUBLIC_KEY },
  );
  return context;
}

/** Deliver `message` to the app's service worker as its push service would, from a page not of the app. */
async function deliverPush(context: BrowserContext, message: unknown) {
  const outside = await context.newPage();
  const cdp = await context.newCDPSession(outside);
  const registration = new Promise<string>((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const ours = registrations.find((r: { scopeURL: string }) => r.scopeURL.startsWith(APP));
      if (ours) resolve(ours.registrationId);
    });
  });
  await cdp.send("ServiceWorker.enable");
  await cdp.send("ServiceWorker.deliverPushMessage", {
    origin: APP,
    registrationId: await registration,
    data: JSON.stringify(message),
  });
  await outside.close();
}

/** The notifications the app's service worker shows now. */
const notificationsShown = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready;
    return (await registration.getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      data: n.data,
      tag: n.tag,
    }));
  });

test("a run that ends with no tab open is pushed to the browser, whose service worker shows it", async ({
  browser,
}) => {
  const phone = testBrowser(ENDPOINT);
  const context = await subscribedContext(browser, phone.subscription);
  const page = await context.newPage();
  await page.goto("/");
  await page.getByRole("button", { name: "Settings" }).click();
  const toggle = page.getByRole("checkbox", { name: /no tab of the app is open/ });
  await toggle.click();
  await expect(toggle).toBeChecked();
  await page.getByRole("button", { name: "Done" }).click();
  // The browser's own record: still on after a reload.
  await page.reload();
  await page.getByRole("button", { name: "Settings" }).click();
  await expect(page.getByRole("checkbox", { name: /no tab of the app is open/ })).toBeChecked();
  await page.getByRole("button", { name: "Done" }).click();

  await ask(page, "What time is it in Tokyo?");
  await page.waitForURL(/\/chat\//);
  const chatId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  const title = "What time is it in Tokyo?";
  await page.close();

  // The server follows the run to its end and pushes once, encrypted for this browser, signed with its key.
  await expect.poll(() => pushed.length, { timeout: 30_000 }).toBe(1);
  const [push] = pushed;
  expect(push?.headers["content-encoding"]).toBe("aes128gcm");
  expect(String(push?.headers.authorization)).toContain(`k=${VAPID_PUBLIC_KEY}`);
  expect(push?.body.toString("latin1")).not.toContain("Tokyo");
  const message = phone.decrypt(push?.body ?? Buffer.alloc(0)) as Record<string, unknown>;
  expect(message).toEqual({
    title: "Your answer is ready",
    body: title,
    url: `/chat/${chatId}`,
    tag: `chat-${chatId}`,
  });

  // No tab of the app is open: the service worker shows it.
  await deliverPush(context, message);
  const again = await context.newPage();
  await again.goto(`/chat/${chatId}`);
  await expect
    .poll(() => notificationsShown(again))
    .toEqual([
      { title: "Your answer is ready", body: title, tag: `chat-${chatId}`, data: { url: `/chat/${chatId}` } },
    ]);

  // With a tab open, the tab shows it instead: no second notification.
  await deliverPush(context, { ...message, title: "Waiting for your approval" });
  await again.waitForTimeout(500);
  expect((await notificationsShown(again)).map((n) => n.title)).toEqual(["Your answer is ready"]);

  // Turned off: the server forgets this browser.
  await again.getByRole("button", { name: "Settings" }).click();
  await again.getByRole("checkbox", { name: /no tab of the app is open/ }).click();
  await expect(again.getByRole("checkbox", { name: /no tab of the app is open/ })).not.toBeChecked();
  await context.close();
});
