import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, request as playwrightRequest, test } from "@playwright/test";
import { approvalCard, ask, waitForRunToEnd } from "./helpers";
import { PORT } from "./ports";

// The server's store is shared by every test of the run: each test uses titles of its own and only looks at
// its own chats (plus their order relative to each other).
const unique = (words: string) => `${words} ${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;

/** Axe's serious and critical findings on the page, by rule and element. */
async function seriousAxeFindings(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((node) => `${v.id}: ${node.target.join(" ")}`));
}

const history = (page: Page) => page.getByRole("navigation", { name: "Chat history" });
const chatLink = (page: Page, title: string) => history(page).getByRole("link", { name: title });

/** Send a question on a new chat and return the chat's id once the run is over. */
async function newChat(page: Page, question: string): Promise<string> {
  await page.goto("/");
  await ask(page, question);
  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
  await waitForRunToEnd(page);
  return new URL(page.url()).pathname.split("/").at(-1) ?? "";
}

test("a sent question shows up in the history, marked current, and opens from there", async ({ page }) => {
  const title = unique("Hello there");
  await newChat(page, title);
  const link = chatLink(page, title);
  await expect(link).toBeVisible();
  await expect(link).toHaveAttribute("aria-current", "page");
  // The run is over: no spinner on it.
  await expect(
    history(page).getByRole("listitem").filter({ has: link }).getByRole("img", { name: "running" }),
  ).toHaveCount(0);

  await history(page).getByRole("link", { name: "New chat" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "What should the agent work on?" })).toBeVisible();
  await expect(chatLink(page, title)).not.toHaveAttribute("aria-current", "page");

  await chatLink(page, title).click();
  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
  await expect(page.getByText(`You asked: "${title}"`)).toHaveCount(1);
  await expect(chatLink(page, title)).toHaveAttribute("aria-current", "page");
  await expect(history(page).locator('[aria-current="page"]')).toHaveCount(1);
});

test("chats are listed newest first", async ({ page }) => {
  const older = unique("Budget question");
  const newer = unique("Hello again");
  await newChat(page, older);
  await newChat(page, newer);
  const items = history(page).getByRole("listitem");
  await expect(items.nth(0)).toContainText(newer);
  await expect(items.nth(1)).toContainText(older);
});

test("delete asks first: Cancel and Esc keep the chat, Delete removes it", async ({ page }) => {
  const title = unique("Hello to delete");
  const id = await newChat(page, title);
  const deleteButton = history(page).getByRole("button", { name: `Delete chat "${title}"`, exact: true });
  const dialog = page.getByRole("alertdialog", { name: "Delete this chat?" });

  await deleteButton.click();
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(title);
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(chatLink(page, title)).toBeVisible();
  await expect(deleteButton).toBeFocused();

  await deleteButton.click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(chatLink(page, title)).toBeVisible();

  await deleteButton.click();
  await dialog.getByRole("button", { name: "Delete", exact: true }).click();
  // It was the open chat: the page starts a new one.
  await expect(page).toHaveURL(/\/$/);
  await expect(chatLink(page, title)).toHaveCount(0);

  await page.goto(`/chat/${id}`);
  await expect(page.getByRole("heading", { name: "Chat not found" })).toBeVisible();
});

test("deleting a chat that is not open keeps the current page", async ({ page }) => {
  const other = unique("Hello other");
  const current = unique("Hello current");
  await newChat(page, other);
  await newChat(page, current);
  const url = page.url();
  await history(page)
    .getByRole("button", { name: `Delete chat "${other}"`, exact: true })
    .click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(chatLink(page, other)).toHaveCount(0);
  expect(page.url()).toBe(url);
  await expect(chatLink(page, current)).toHaveAttribute("aria-current", "page");
});

test("a refused delete shows the server's reason next to the chat", async ({ page }) => {
  // A run started elsewhere after the list was loaded: the server refuses, and says why.
  const chat = { id: "sidebar-e2e-refused", title: "A chat a run started in", createdAt: 1, updatedAt: 2 };
  const reason = "This chat's answer is still being written: stop it before deleting the chat.";
  await page.route("**/api/chats", (route) =>
    route.fulfill({ json: { chats: [{ ...chat, running: false }] } }),
  );
  await page.route(`**/api/chat/${chat.id}`, (route) =>
    route.fulfill({ status: 409, json: { error: { code: "conflict", message: reason } } }),
  );
  await page.goto("/");
  const item = history(page).getByRole("listitem").filter({ hasText: chat.title });
  await item.getByRole("button", { name: `Delete chat "${chat.title}"` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete", exact: true }).click();
  await expect(item.getByRole("alert")).toHaveText(reason);
  await expect(item.getByRole("link", { name: chat.title })).toBeVisible();
});

test("a chat whose answer is being written shows a spinner, and Delete offers to stop it first", async ({
  page,
}) => {
  const title = unique("Run a slow multi-step analysis of the sales data");
  await page.goto("/");
  await ask(page, title);
  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
  const item = history(page).getByRole("listitem").filter({ hasText: title });
  await expect(item.getByRole("img", { name: "running" })).toBeVisible();
  await item.getByRole("button", { name: `Delete chat "${title}"` }).click();
  const dialog = page.getByRole("alertdialog", { name: "Stop and delete this chat?" });
  await expect(dialog).toContainText("still being written");
  await dialog.getByRole("button", { name: "Stop and delete" }).click();
  // The open chat is gone: a new chat, and the chat is in no list, also after a reload.
  await expect(page).toHaveURL(/\/$/);
  await expect(chatLink(page, title)).toHaveCount(0);
  await page.reload();
  await expect(history(page).getByRole("link", { name: "New chat" })).toBeVisible();
  await expect(chatLink(page, title)).toHaveCount(0);
});

test("a chat whose last answer failed is marked in the history, and the mark goes with a new answer", async ({
  page,
}) => {
  const title = unique("Make this request fail, please.");
  await page.goto("/");
  await ask(page, title);
  await waitForRunToEnd(page);
  const item = history(page).getByRole("listitem").filter({ hasText: title });
  await page.reload();
  await expect(item.getByRole("img", { name: "last answer failed" })).toBeVisible();
  // Answered on: the chat is not marked any more.
  await ask(page, "Answer this instantly, please.");
  await waitForRunToEnd(page);
  await page.reload();
  await expect(item.getByRole("link", { name: title })).toBeVisible();
  await expect(item.getByRole("img", { name: "last answer failed" })).toHaveCount(0);
});

test("an answer that came while its person was in another chat is marked new until they open it", async ({
  page,
}) => {
  const title = unique("Run a multi-step analysis of the sales data");
  await page.goto("/");
  await ask(page, title);
  await expect(page).toHaveURL(/\/chat\/[A-Za-z0-9_-]+$/);
  const chatId = new URL(page.url()).pathname.split("/").at(-1) ?? "";
  await history(page).getByRole("link", { name: "New chat" }).click();
  await expect(page).toHaveURL(/\/$/);
  const item = history(page).getByRole("listitem").filter({ hasText: title });
  await expect(item.getByRole("img", { name: "running" })).toBeVisible();
  // The server finishes the run nobody watches; the list shows it on its next look.
  const running = async () =>
    (
      (await (await page.request.get("/api/chats")).json()).chats as Array<{ id: string; running: boolean }>
    ).find((chat) => chat.id === chatId)?.running;
  await expect.poll(running, { timeout: 30_000 }).toBe(false);
  await page.reload();
  await expect(item.getByRole("img", { name: "new answer" })).toBeVisible();

  await chatLink(page, title).click();
  await expect(page).toHaveURL(new RegExp(`/chat/${chatId}$`));
  await expect(item.getByRole("img", { name: "new answer" })).toHaveCount(0);
  // Seen is the server's record: another page, and a reload, show it read.
  await history(page).getByRole("link", { name: "New chat" }).click();
  await page.reload();
  await expect(chatLink(page, title)).toBeVisible();
  await expect(item.getByRole("img", { name: "new answer" })).toHaveCount(0);
});

test("a chat waiting for an approval is marked so in the history until it is decided", async ({ page }) => {
  const title = unique("Search the web for lakehouse news");
  await page.goto("/");
  await ask(page, title);
  const card = approvalCard(page, "search_web");
  await waitForRunToEnd(page);
  const item = history(page).getByRole("listitem").filter({ hasText: title });
  await history(page).getByRole("link", { name: "New chat" }).click();
  await page.reload();
  await expect(item.getByRole("img", { name: "waiting for your approval" })).toBeVisible();

  await chatLink(page, title).click();
  await card.getByRole("button", { name: /Approve/ }).click();
  await waitForRunToEnd(page);
  await page.reload();
  await expect(chatLink(page, title)).toBeVisible();
  await expect(item.getByRole("img", { name: "waiting for your approval" })).toHaveCount(0);
  await expect(item.getByRole("img", { name: "new answer" })).toHaveCount(0);
});

test("an empty history says so", async ({ page }) => {
  await page.route("**/api/chats", (route) => route.fulfill({ json: { chats: [] } }));
  await page.goto("/");
  await expect(history(page)).toContainText("No chats yet");
});

test("the API: list, and delete's errors as JSON", async ({ request }) => {
  const list = await request.get("/api/chats");
  expect(list.status()).toBe(200);
  expect(Array.isArray((await list.json()).chats)).toBe(true);

  const bad = await request.delete("/api/chat/not.a.valid.id");
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error.code).toBe("bad_request");

  const missing = await request.delete("/api/chat/no-such-chat-anywhere");
  expect(missing.status()).toBe(404);
  expect((await missing.json()).error.code).toBe("not_found");
});

test("on desktop the history can be hidden, and stays hidden after a reload", async ({ page }) => {
  await page.goto("/");
  const hide = page.getByRole("button", { name: "Hide chat history" });
  await expect(hide).toHaveAttribute("aria-expanded", "true");
  await expect(history(page)).toBeVisible();
  await hide.click();
  await expect(history(page)).toBeHidden();
  const show = page.getByRole("button", { name: "Show chat history" });
  await expect(show).toHaveAttribute("aria-expanded", "false");

  await page.reload();
  await expect(page.getByRole("button", { name: "Show chat history" })).toBeVisible();
  await expect(history(page)).toBeHidden();
  await page.getByRole("button", { name: "Show chat history" }).click();
  await expect(history(page)).toBeVisible();
  await expect(page.getByRole("button", { name: "Hide chat history" })).toHaveAttribute(
    "aria-expanded",
    "true",
  );
});

test("rename from the keyboard: F2, Esc keeps the name, an empty title is refused, Enter saves for good", async ({
  page,
}) => {
  const title = unique("Hello rename");
  const renamed = unique("Quarterly plan");
  await newChat(page, title);
  const field = history(page).getByRole("textbox", { name: "Chat title" });

  await chatLink(page, title).focus();
  await page.keyboard.press("F2");
  await expect(field).toBeFocused();
  await expect(field).toHaveValue(title);
  await page.keyboard.type("Not this");
  await page.keyboard.press("Escape");
  await expect(field).toHaveCount(0);
  await expect(chatLink(page, title)).toBeFocused();

  await page.keyboard.press("F2");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Enter");
  const item = history(page)
    .getByRole("listitem")
    .filter({ has: page.getByRole("textbox", { name: "Chat title" }) });
  await expect(item.getByRole("alert")).toHaveText("The title cannot be empty.");
  await expect(field).toBeFocused();
  await field.fill(`  ${renamed}  `);
  await page.keyboard.press("Enter");
  await expect(chatLink(page, renamed)).toBeFocused();
  await expect(page).toHaveTitle(`${renamed} · Background Agent Chat`);

  await page.reload();
  await expect(chatLink(page, renamed)).toHaveAttribute("aria-current", "page");
  await expect(chatLink(page, title)).toHaveCount(0);
  await expect(page).toHaveTitle(`${renamed} · Background Agent Chat`);
});

test("search finds a chat by its answer's text, never another person's; Esc brings the whole list back", async ({
  page,
}) => {
  const title = unique("Hello finder");
  const secret = unique("zebracorn").replace(" ", "");
  // Another person (a session of their own) has a chat with the word in its title.
  const other = await playwrightRequest.newContext({ baseURL: `http://127.0.0.1:${PORT}` });
  const theirs = await other.post("/api/chat", {
    data: {
      id: `sidebar-other-${Date.now()}`,
      message: { id: "m1", role: "user", parts: [{ type: "text", text: `Private ${secret}` }] },
    },
  });
  expect(theirs.status()).toBe(200);
  await theirs.text();
  await other.dispose();
  await newChat(page, title);

  const search = history(page).getByRole("textbox", { name: "Search chats" });
  // Words of the agent's answer only, in another case.
  await search.fill("SHORT EMULATED answer");
  const found = chatLink(page, title);
  await expect(found).toContainText("short emulated answer");
  await expect(history(page).getByRole("status")).toHaveText("1 chat matches");

  await search.fill(secret);
  await expect(history(page).getByRole("status")).toHaveText("No chats match");
  await expect(history(page).getByRole("listitem")).toHaveCount(0);

  await page.keyboard.press("Escape");
  await expect(search).toHaveValue("");
  await expect(chatLink(page, title)).toBeVisible();
  await expect(chatLink(page, title)).not.toContainText("short emulated answer");
  // Esc in the field cleared the search and stopped there: the page's own Esc had nothing to do.
  await expect(history(page).getByRole("status")).toHaveCount(0);
});

test("rows say when each chat was last active, under day headings, with one Tab stop each", async ({
  page,
}) => {
  const day = (daysAgo: number) => {
    const d = new Date();
    return new Date(d.getFullYear(), d.getMonth(), d.getDate() - daysAgo, 12).getTime();
  };
  const chats = [
    { id: "dates-today", title: "Chat from today", updatedAt: Date.now() - 5 * 60_000 },
    { id: "dates-yesterday", title: "Chat from yesterday", updatedAt: day(1) },
    { id: "dates-week", title: "Chat from this week", updatedAt: day(3) },
    { id: "dates-older", title: "Chat from long ago", updatedAt: new Date(2024, 2, 3, 9, 30).getTime() },
  ].map((chat) => ({ ...chat, createdAt: chat.updatedAt, running: false }));
  // The list, and nothing for any search.
  await page.route(
    (url) => url.pathname === "/api/chats",
    (route) =>
      route.fulfill({ json: { chats: new URL(route.request().url()).searchParams.has("q") ? [] : chats } }),
  );
  await page.goto("/");

  const headings = history(page).getByRole("heading", { level: 3 });
  await expect(headings).toHaveText(["Today", "Yesterday", "Previous 7 days", "Older"]);
  const older = history(page).getByRole("listitem").filter({ hasText: "Chat from long ago" });
  await expect(older.locator("time")).toHaveText("Mar 3, 2024");
  await expect(older.locator("time")).toHaveAttribute(
    "datetime",
    new Date(chats[3]?.updatedAt ?? 0).toISOString(),
  );
  await expect(history(page).getByRole("listitem").first().locator("time")).toHaveText(/^[56] min$/);
  await expect(history(page).getByRole("listitem").nth(1).locator("time")).toHaveText("Yesterday");

  // From "New chat", Tab visits the search field and each row's link once, then leaves the history.
  await history(page).getByRole("link", { name: "New chat" }).focus();
  const stops: string[] = [];
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press("Tab");
    const inside = await history(page).evaluate((nav) => nav.contains(document.activeElement));
    if (!inside) break;
    stops.push(
      await page.evaluate(
        () => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? "",
      ),
    );
  }
  expect(stops).toHaveLength(1 + chats.length);
  expect(stops[0]).toBe("Search chats");

  // Up and Down move between rows; Delete on a row asks, and Esc brings focus back to it.
  await chatLink(page, "Chat from today").focus();
  await page.keyboard.press("ArrowDown");
  await expect(chatLink(page, "Chat from yesterday")).toBeFocused();
  await page.keyboard.press("End");
  await expect(chatLink(page, "Chat from long ago")).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await expect(chatLink(page, "Chat from this week")).toBeFocused();
  await page.keyboard.press("Delete");
  const dialog = page.getByRole("alertdialog", { name: "Delete this chat?" });
  await expect(dialog).toContainText("Chat from this week");
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(chatLink(page, "Chat from this week")).toBeFocused();

  // Axe finds nothing serious in a rename that was refused, nor in a search that found nothing.
  await page.keyboard.press("F2");
  await page.keyboard.press("Backspace");
  await page.keyboard.press("Enter");
  await expect(history(page).getByRole("alert")).toHaveText("The title cannot be empty.");
  expect(await seriousAxeFindings(page)).toEqual([]);
  await page.keyboard.press("Escape");
  await history(page).getByRole("textbox", { name: "Search chats" }).fill("nothing like this anywhere");
  await expect(history(page).getByRole("status")).toHaveText("No chats match");
  expect(await seriousAxeFindings(page)).toEqual([]);
});

test.describe("at 390 px wide", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  const noHorizontalScroll = async (page: Page) =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  test("the history opens as an overlay, closes with Esc or Close, and choosing a chat opens it", async ({
    page,
  }) => {
    const title = unique("Hello narrow");
    await newChat(page, title);
    await expect(history(page)).toBeHidden();
    await noHorizontalScroll(page);

    const toggle = page.getByRole("button", { name: "Chat history", exact: true });
    const overlay = page.getByRole("dialog", { name: "Chat history" });
    await toggle.click();
    await expect(overlay).toBeVisible();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(overlay.getByRole("link", { name: title })).toHaveAttribute("aria-current", "page");
    expect(await overlay.evaluate((element) => element.contains(document.activeElement))).toBe(true);
    await noHorizontalScroll(page);

    await page.keyboard.press("Escape");
    await expect(overlay).toBeHidden();
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(toggle).toBeFocused();

    await toggle.click();
    await overlay.getByRole("button", { name: "Close chat history" }).click();
    await expect(overlay).toBeHidden();

    await page.goto("/");
    await toggle.click();
    await overlay.getByRole("link", { name: title }).click();
    await expect(overlay).toBeHidden();
    await expect(page.getByText(`You asked: "${title}"`)).toHaveCount(1);
    await noHorizontalScroll(page);
  });
});
