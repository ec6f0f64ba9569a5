// The app's service worker: it shows the Web Push notifications the server sends when a run ends, fails or
// waits for an approval with nobody watching (lib/chat/notify.ts), and opens the chat when one is clicked.
// Only where no tab of the app is open: a person with a tab open sees it there (the history marks the chat).

self.addEventListener("install", () => self.skipWaiting());
self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));

self.addEventListener("push", (event) => {
  event.waitUntil(show(event));
});

async function show(event) {
  let message;
  try {
    message = event.data ? event.data.json() : undefined;
  } catch {
    message = undefined;
  }
  if (!message || typeof message.title !== "string") return;
  const tabs = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  if (tabs.length > 0) return;
  // Text only: a notification renders no markup, and the link must stay on this app.
  const url = typeof message.url === "string" && /^\/(?!\/)/.test(message.url) ? message.url : "/";
  await self.registration.showNotification(message.title, {
    body: typeof message.body === "string" ? message.body : "",
    tag: typeof message.tag === "string" ? message.tag : undefined,
    icon: "/favicon.svg",
    data: { url },
  });
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openChat(new URL(event.notification.data?.url ?? "/", self.location.origin).href));
});

async function openChat(url) {
  const tabs = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  for (const tab of tabs) {
    if ("focus" in tab) {
      await tab.focus();
      if ("navigate" in tab) await tab.navigate(url);
      return;
    }
  }
  await self.clients.openWindow(url);
}
