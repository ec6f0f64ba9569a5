import AxeBuilder from "@axe-core/playwright";
import { type Browser, expect, type Page, request as playwrightRequest, test } from "@playwright/test";
import { type Case, chatWaitingForApproval, corpus, JSON_TYPE, send, snapshot } from "./api-corpus";
import { ask, assistantMessages, waitForRunToEnd } from "./helpers";
import { type NextServer, startNextServer } from "./next-server";
import { startIdentityProvider, type TestIdentityProvider } from "./oidc-provider";
import { OIDC_PROVIDER_PORT, REFUSING_PORT, SIGN_IN_PORT } from "./ports";
import { SECRET_CANARIES } from "./secrets";

// The production build with sign-in through a real OpenID Connect provider on loopback, open to example.com.
let idp: TestIdentityProvider;
let app: NextServer;
/** Everything the server printed: it must never hold the client secret or a session token. */
let serverOutput = "";
const APP_URL = `http://127.0.0.1:${SIGN_IN_PORT}`;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  idp = await startIdentityProvider({
    port: OIDC_PROVIDER_PORT,
    redirectUri: `${APP_URL}/api/auth/callback/oidc`,
  });
  app = await startNextServer({
    port: SIGN_IN_PORT,
    timeoutMs: 90_000,
    readyPath: "/api/health",
    onOutput: (text) => {
      serverOutput += text;
    },
    env: {
      SUPERVISOR_PROVIDER: "emulator",
      EMULATOR_TIME_SCALE: "0.25",
      SUPERVISOR_POLL_INTERVAL_MS: "250",
      PGLITE_DIR: "memory://",
      SESSION_SECRET: SECRET_CANARIES.SESSION_SECRET,
      CRON_SECRET: SECRET_CANARIES.CRON_SECRET,
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_PROVIDER_NAME: "Test IdP",
      OIDC_ALLOWED_DOMAINS: "example.com",
      OIDC_ALLOWED_EMAILS: "guest@partner.net",
      APP_URL,
    },
  });
});

test.afterAll(async () => {
  await app?.kill();
  await idp?.close();
});

const history = (page: Page) => page.getByRole("navigation", { name: "Chat history" });

/** Open `path` signed out, land on the sign-in page, and sign in at the provider as `email`. */
async function signIn(page: Page, email: string, path = "/") {
  await page.goto(`${APP_URL}${path}`);
  await expect(page).toHaveURL(/\/sign-in(\?|$)/);
  await page.getByRole("button", { name: "Sign in with Test IdP" }).click();
  // The provider's own login form (oidc-provider's development one: any password).
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill("whatever");
  await page.locator('button[type="submit"]').click();
}

async function signedInPage(browser: Browser, email: string, path = "/") {
  const page = await (await browser.newContext({ baseURL: APP_URL })).newPage();
  await signIn(page, email, path);
  await expect(page.getByRole("button", { name: `Sign out ${email}` })).toBeVisible();
  return page;
}

test("sign in, chat, sign out: a second person sees none of the first one's chats, an ended session opens nothing", async ({
  browser,
}) => {
  const ada = await signedInPage(browser, "ada@example.com");
  await expect(ada).toHaveURL(`${APP_URL}/`);
  await ask(ada, "What time is it?");
  await waitForRunToEnd(ada);
  await expect(assistantMessages(ada)).toHaveCount(1);
  await expect(ada).toHaveURL(/\/chat\//);
  const adasChat = ada.url();
  const adasChatId = adasChat.split("/chat/")[1] ?? "";
  await expect(history(ada).getByRole("listitem")).toHaveCount(1);

  // Bob, from another browser: none of Ada's chats, not even by their address.
  const bob = await signedInPage(browser, "bob@example.com");
  await expect(history(bob)).toContainText("No chats yet");
  await bob.goto(adasChat);
  await expect(bob.getByRole("heading", { name: "Chat not found" })).toBeVisible();
  const peek = await bob.request.get(`${APP_URL}/api/chat/${adasChatId}/stream`);
  expect(peek.status()).toBe(404);

  // Bob signs out in another tab: the question he then sends from this one is refused, and stays his to send.
  await bob.goto(`${APP_URL}/`);
  const bobsOtherTab = await bob.context().newPage();
  await bobsOtherTab.goto(`${APP_URL}/`);
  await bobsOtherTab.getByRole("button", { name: "Sign out bob@example.com" }).click();
  await expect(bobsOtherTab).toHaveURL(/signed-out=1/);
  await ask(bob, "Is anyone there?");
  // In the chat (the history list may say so too, when it refreshes meanwhile).
  await expect(bob.getByRole("main").getByRole("alert").filter({ hasText: "sign in again" })).toBeVisible();
  await expect(bob.getByRole("textbox", { name: "Message" })).toHaveValue("Is anyone there?");
  await expect(bob.locator('[data-role="user"]')).toHaveCount(0);

  // Ada signs out: back on the sign-in page, and her session is over, on the server too.
  const session = (await ada.context().cookies()).find((cookie) => cookie.name.endsWith("session_token"));
  expect(session?.httpOnly).toBe(true);
  await ada.getByRole("button", { name: "Sign out ada@example.com" }).click();
  await expect(ada).toHaveURL(/\/sign-in\?signed-out=1$/);
  await expect(ada.getByRole("status")).toHaveText("You are signed out.");
  expect(serverOutput).not.toContain(idp.clientSecret);
  expect(serverOutput).not.toContain(session?.value);
  // The page a signed-out person sees is usable by everyone: no serious accessibility problem.
  const serious = (await new AxeBuilder({ page: ada }).analyze()).violations.filter(
    (violation) => violation.impact === "serious" || violation.impact === "critical",
  );
  expect(serious.map((violation) => violation.id)).toEqual([]);
  await ada.goto(adasChat);
  await expect(ada).toHaveURL(/\/sign-in\?next=/);
  const replayed = await playwrightRequest.newContext({
    extraHTTPHeaders: { cookie: `${session?.name}=${session?.value}` },
  });
  const list = await replayed.get(`${APP_URL}/api/chats`);
  expect(list.status()).toBe(401);
  expect((await list.json()).error.message).toMatch(/sign in again/);
  await replayed.dispose();

  // Signing in again, from the chat's address: the chat is hers still, and the page is the chat.
  await ada.getByRole("button", { name: "Sign in with Test IdP" }).click();
  await expect(ada).toHaveURL(adasChat);
  await expect(assistantMessages(ada)).toHaveCount(1);
  await ada.context().close();
  await bob.context().close();
});

test("a person outside the allowed domain, or whose address the provider does not vouch for, is refused; an allowed address gets in", async ({
  page,
}) => {
  await signIn(page, "eve@other.org");
  await expect(
    page.getByRole("alert").filter({ hasText: "That account is not allowed to use this app" }),
  ).toBeVisible();
  await page.goto(`${APP_URL}/`);
  await expect(page).toHaveURL(/\/sign-in$/);
  expect((await page.request.get(`${APP_URL}/api/chats`)).status()).toBe(401);

  await page.context().clearCookies();
  await signIn(page, "unverified-mallory@example.com");
  await expect(
    page.getByRole("alert").filter({ hasText: "did not confirm your e-mail address" }),
  ).toBeVisible();
  expect((await page.request.get(`${APP_URL}/api/chats`)).status()).toBe(401);

  // An address allowed by itself gets in, though its domain is not allowed.
  await page.context().clearCookies();
  await signIn(page, "guest@partner.net");
  await expect(page.getByRole("button", { name: "Sign out guest@partner.net" })).toBeVisible();
  expect((await page.request.get(`${APP_URL}/api/chats`)).status()).toBe(200);
});

/** Signed out, what a corpus request must get: refused as cross-site first, else as not signed in. */
function signedOutStatus(c: Case): number {
  // The routes that authenticate themselves (cron by CRON_SECRET, webhooks by signature) answer as before.
  if (c.path.startsWith("/api/cron/") || c.path.startsWith("/api/webhooks/")) return c.status;
  if (c.status === 403) return 403;
  // POST /api/chat's other methods: refused by method before anything (no proxy runs in front of it).
  if (c.path === "/api/chat" && c.method !== "POST") return 405;
  return 401;
}

test("signed out, every request of the API corpus is refused (401, or 403 cross-site) and nothing changes", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const ada = await signedInPage(browser, "corpus-ada@example.com");
  const victim = await signedInPage(browser, "corpus-victim@example.com");
  const ownChat = `signed-out-own-${Date.now()}`;
  const victimChat = `signed-out-victim-${Date.now()}`;
  const approvalId = await chatWaitingForApproval(ada.request, ownChat);
  await chatWaitingForApproval(victim.request, victimChat);
  const adasBefore = await snapshot(ada.request);
  const victimsBefore = await snapshot(victim.request);

  const stranger = await playwrightRequest.newContext({ baseURL: APP_URL });
  const cases = corpus(ownChat, victimChat, approvalId);
  const wrong: string[] = [];
  for (const c of cases) {
    const response = await send(stranger, c);
    const body = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
    const readable = typeof body?.error?.message === "string" && body.error.message.length > 10;
    if (response.status() !== signedOutStatus(c) || !readable) {
      wrong.push(`${c.name}: got ${response.status()}${readable ? "" : " without a JSON message"}`);
    }
  }
  // A valid question, signed out: refused too, and no run starts.
  const asked = await stranger.post("/api/chat", {
    headers: JSON_TYPE,
    data: { id: "stranger-chat", message: { id: "m1", role: "user", parts: [{ type: "text", text: "hi" }] } },
  });
  if (asked.status() !== 401) wrong.push(`a valid question: got ${asked.status()}`);
  // Pages send the stranger to sign in, and show nothing of anyone's.
  for (const path of ["/", `/chat/${ownChat}`]) {
    const page = await stranger.get(path, { maxRedirects: 0 });
    if (page.status() !== 303 || !page.headers().location?.includes("/sign-in"))
      wrong.push(`page ${path}: got ${page.status()} to ${page.headers().location}`);
  }
  expect(wrong).toEqual([]);
  await stranger.dispose();

  expect(await snapshot(ada.request)).toEqual(adasBefore);
  expect(await snapshot(victim.request)).toEqual(victimsBefore);
  expect(adasBefore.map((chat) => (chat as { id: string }).id)).toEqual([ownChat]);
  // The approval still waits, and its owner can answer it.
  const approved = await ada.request.post(`${APP_URL}/api/chat`, {
    headers: JSON_TYPE,
    data: { id: ownChat, decisions: [{ approvalRequestId: approvalId, approve: true }] },
  });
  expect(approved.status()).toBe(200);
  await ada.context().close();
  await victim.context().close();
});

test("a production server on a real agent with no sign-in refuses to start, naming the two ways to fix it", async () => {
  const start = startNextServer({
    port: REFUSING_PORT,
    timeoutMs: 30_000,
    readyPath: "/api/health",
    env: {
      SUPERVISOR_PROVIDER: "openai",
      OPENAI_API_KEY: SECRET_CANARIES.OPENAI_API_KEY,
      AUTH_MODE: "",
      TRUST_FORWARDED_HEADERS: "",
      OIDC_ISSUER: "",
      PGLITE_DIR: "memory://",
    },
  });
  await expect(start).rejects.toThrow(
    /next start exited \(1\)[\s\S]*Refusing to start on the "openai" provider with no sign-in[\s\S]*OIDC_ISSUER[\s\S]*TRUST_FORWARDED_HEADERS=true[\s\S]*AUTH_MODE=anonymous/,
  );
});
