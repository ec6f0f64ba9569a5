import { expect, test } from "@playwright/test";
import { approvalCard, ask, assistantMessages, lastAnswer, toolCard, waitForRunToEnd } from "./helpers";

test("Approve runs the MCP tool and its result shows, also after a reload", async ({ page }) => {
  await page.goto("/");
  await ask(page, "Search the web for lakehouse news");
  const card = approvalCard(page, "search_web");
  await expect(card).toContainText("web-search");
  await expect(card).toContainText("lakehouse");
  await waitForRunToEnd(page);

  await card.getByRole("button", { name: /Approve/ }).click();
  await expect(card.getByRole("button", { name: /Approve/ })).toBeDisabled();
  await expect(card.getByRole("button", { name: /Deny/ })).toBeDisabled();
  await expect(card).toContainText("Approved");
  await waitForRunToEnd(page);
  await expect(card.getByText("Result", { exact: true })).toBeVisible();
  await expect(assistantMessages(page)).toHaveCount(1);
  // The results are in the card; the answer after it sums them up instead of printing them a second time.
  await expect(card).toContainText("https://news.example.com/lakehouse-news");
  await expect(lastAnswer(page)).toContainText("it found three pages");
  await expect(lastAnswer(page)).not.toContainText("news.example.com");

  await page.reload();
  await expect(card).toContainText("Approved");
  await expect(card.getByRole("button", { name: /Approve/ })).toBeDisabled();
  await expect(card.getByText("Result", { exact: true })).toBeVisible();
});

test("Deny with a reason: the tool does not run and the agent says so", async ({ page }) => {
  await page.goto("/");
  await ask(page, "Search the web for lakehouse news");
  const card = approvalCard(page, "search_web");
  await waitForRunToEnd(page);
  await card.getByLabel(/Reason if you deny/).fill("Not on company time");
  await card.getByRole("button", { name: /Deny/ }).click();
  await expect(card).toContainText("Denied");
  await expect(card.getByRole("button", { name: /Approve/ })).toBeDisabled();
  await waitForRunToEnd(page);
  await expect(card).toContainText("the tool did not run");
  await expect(card.getByText("Result", { exact: true })).toHaveCount(0);
  await expect(assistantMessages(page).last()).toContainText("did not run");
  await expect(assistantMessages(page).last()).toContainText("Not on company time");
});

test("two approvals in one response are decided one by one and sent together", async ({ page }) => {
  const posts: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/chat"))
      posts.push(request.postData() ?? "");
  });
  await page.goto("/");
  await ask(page, "Create a ticket and email the team about the outage");
  const ticket = approvalCard(page, "create_ticket");
  const email = approvalCard(page, "send_email");
  await expect(ticket).toBeVisible();
  await expect(email).toBeVisible();
  await waitForRunToEnd(page);

  await ticket.getByRole("button", { name: /Approve/ }).click();
  await expect(ticket).toContainText("sent once the other requests are decided");
  expect(posts).toHaveLength(1); // only the question so far

  await email.getByRole("button", { name: /Deny/ }).click();
  await waitForRunToEnd(page);
  expect(posts).toHaveLength(2);
  expect(JSON.parse(posts[1] ?? "{}").decisions).toHaveLength(2);
  await expect(ticket.getByText("Result", { exact: true })).toBeVisible();
  await expect(email).toContainText("the tool did not run");
  await expect(assistantMessages(page).last()).toContainText("did not run `send_email`".replaceAll("`", ""));
});

test("a client-side function tool runs in the app and the agent uses its result, without a click", async ({
  page,
}) => {
  await page.goto("/");
  await ask(page, "Please calculate 17 * 23 + 4");
  await waitForRunToEnd(page);
  const card = toolCard(page, "calculate");
  await expect(card).toContainText("ran in the app");
  await expect(card).toContainText("done");
  await expect(assistantMessages(page).last()).toContainText("395");
});

test("an item type the app does not know is shown as a generic card", async ({ page }) => {
  await page.goto("/");
  await ask(page, "Show me an unknown hologram item");
  await waitForRunToEnd(page);
  await expect(page.locator("[data-item-type]")).toHaveCount(1);
  await expect(page.locator("[data-item-type]")).toContainText("no card for");
});
