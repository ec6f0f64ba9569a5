import { expect, request as playwrightRequest, test } from "@playwright/test";
import { chatWaitingForApproval, corpus, JSON_TYPE, send, snapshot } from "./api-corpus";
import { PORT } from "./ports";

/**
 * Malformed and hostile requests against every route of the production server: each gets a 4xx with a JSON
 * message a person can read, none a 5xx, and none changes anything (the chats of the person and of the
 * victim look exactly the same afterwards, and no run was started).
 */

const BASE = `http://127.0.0.1:${PORT}`;
test("60+ malformed or hostile requests across every route: a 4xx JSON message each, no 5xx, no change", async () => {
  test.setTimeout(120_000);
  const me = await playwrightRequest.newContext({ baseURL: BASE });
  const victim = await playwrightRequest.newContext({ baseURL: BASE });
  // Each context gets its own session cookie on its first request (issued by POST /api/chat itself, which the
  // proxy leaves out).
  const ownChat = `corpus-own-${Date.now()}`;
  const victimChat = `corpus-victim-${Date.now()}`;
  const approvalId = await chatWaitingForApproval(me, ownChat);
  await chatWaitingForApproval(victim, victimChat);
  const mineBefore = await snapshot(me);
  const victimsBefore = await snapshot(victim);

  const cases = corpus(ownChat, victimChat, approvalId);
  expect(cases.length).toBeGreaterThanOrEqual(60);
  const wrong: string[] = [];
  for (const c of cases) {
    const response = await send(me, c);
    const status = response.status();
    // Every refusal, a wrong method included, answers {error: {code, message}}.
    const body = (await response.json().catch(() => null)) as { error?: { message?: unknown } } | null;
    const readable = typeof body?.error?.message === "string" && body.error.message.length > 10;
    if (status !== c.status || !readable)
      wrong.push(`${c.name}: got ${status}${readable ? "" : " without a JSON message"}`);
  }
  expect(wrong).toEqual([]);

  expect(await snapshot(me)).toEqual(mineBefore);
  expect(await snapshot(victim)).toEqual(victimsBefore);
  // The approval is still pending and can be answered: nothing above consumed it.
  const approved = await me.post("/api/chat", {
    headers: JSON_TYPE,
    data: { id: ownChat, decisions: [{ approvalRequestId: approvalId, approve: true }] },
  });
  expect(approved.status()).toBe(200);
  await me.dispose();
  await victim.dispose();
});

test("a forged or tampered session cookie is a new, empty identity, never someone else's", async () => {
  const victim = await playwrightRequest.newContext({ baseURL: BASE });
  await chatWaitingForApproval(victim, `cookie-victim-${Date.now()}`);
  const { cookies } = await victim.storageState();
  const session = cookies.find((c) => c.name === "bac_session");
  expect(session?.httpOnly).toBe(true);
  expect(session?.sameSite).toBe("Lax");
  const [version, uid, sig] = (session?.value ?? "").split(".");

  for (const forged of [`${version}.${uid}.${sig}x`, `${version}.${crypto.randomUUID()}.${sig}`, `${uid}`]) {
    const intruder = await playwrightRequest.newContext({
      baseURL: BASE,
      extraHTTPHeaders: { cookie: `bac_session=${forged}` },
    });
    const list = await intruder.get("/api/chats");
    expect(list.status()).toBe(200);
    expect((await list.json()).chats).toEqual([]);
    await intruder.dispose();
  }
  // Without TRUST_FORWARDED_HEADERS, a forwarded e-mail header is just text.
  const spoof = await playwrightRequest.newContext({
    baseURL: BASE,
    extraHTTPHeaders: { "x-forwarded-email": "victim@example.com" },
  });
  expect((await (await spoof.get("/api/chats")).json()).chats).toEqual([]);
  await spoof.dispose();
  await victim.dispose();
});
