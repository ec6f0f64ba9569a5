import { readFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { approvalCard, ask, toolCard, waitForRunToEnd } from "./helpers";

const TOOL_QUESTION = "Please calculate 17 * 23 + 4.";
const APPROVAL_QUESTION = "Search the web for lakehouse news.";

/** Start a download by `start` and return its file name and content. */
async function download(page: Page, start: () => Promise<void>) {
  const [file] = await Promise.all([page.waitForEvent("download"), start()]);
  return { name: file.suggestedFilename(), text: await readFile(await file.path(), "utf8") };
}

test("Export downloads the chat as Markdown and as JSON: questions, answers, tool calls, who approved", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Export" })).toHaveCount(0); // nothing to export yet
  await ask(page, TOOL_QUESTION);
  await waitForRunToEnd(page);
  await expect(toolCard(page, "calculate")).toContainText("done");
  await ask(page, APPROVAL_QUESTION);
  const card = approvalCard(page, "search_web");
  await waitForRunToEnd(page);
  await card.getByRole("button", { name: /Approve/ }).click();
  await waitForRunToEnd(page);
  await expect(card.getByText("Result", { exact: true })).toBeVisible();

  // By keyboard: the Export button opens its links, Esc closes them and gives the focus back, Enter downloads.
  const exportButton = page.getByRole("button", { name: "Export" });
  const markdownLink = page.getByRole("link", { name: /^Markdown/ });
  await exportButton.focus();
  await page.keyboard.press("Enter");
  await expect(exportButton).toHaveAttribute("aria-expanded", "true");
  await expect(markdownLink).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(markdownLink).toBeHidden();
  await expect(exportButton).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Tab");
  await expect(markdownLink).toBeFocused();
  const markdown = await download(page, () => page.keyboard.press("Enter"));

  expect(markdown.name).toBe("Please calculate 17 23 4.md");
  expect(markdown.text).toMatch(/^# Please calculate 17 \* 23 \+ 4\.\n/);
  expect(markdown.text).toContain(`## You\n\n${TOOL_QUESTION}`);
  expect(markdown.text).toContain(`## You\n\n${APPROVAL_QUESTION}`);
  expect(markdown.text).toContain("17 * 23 + 4 = 395");
  expect(markdown.text).toContain("**Tool call `calculate`** · ran in the app · completed");
  expect(markdown.text).toContain("**Tool call `search_web`** · on `web-search` · completed");
  expect(markdown.text).toMatch(
    /\*\*Approved\*\* by the chat's owner \(anonymous session\) at \d{4}-\d\d-\d\d \d\d:\d\d UTC/,
  );
  expect(markdown.text).toContain('"query": "lakehouse news"');

  await exportButton.click();
  const json = await download(page, () => page.getByRole("link", { name: /^JSON/ }).click());
  expect(json.name).toBe("Please calculate 17 23 4.json");
  const doc = JSON.parse(json.text);
  expect(doc).toMatchObject({ format: "background-agent-chat/chat-export", version: 1, complete: true });
  expect(doc.messages.map((m: { role: string }) => m.role)).toEqual([
    "user",
    "assistant",
    "user",
    "assistant",
  ]);
  expect(doc.messages[0].text).toBe(TOOL_QUESTION);
  expect(doc.messages[1].text).toContain("395");
  expect(doc.messages[1].blocks).toContainEqual(
    expect.objectContaining({ type: "tool_call", name: "calculate", ranOn: "app", state: "completed" }),
  );
  expect(doc.messages[3].blocks).toContainEqual(
    expect.objectContaining({
      type: "tool_call",
      name: "search_web",
      state: "completed",
      approval: expect.objectContaining({
        decision: "approved",
        decidedBy: { kind: "anonymous", owner: true, label: "the chat's owner (anonymous session)" },
        decidedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      }),
    }),
  );
  // Closed again after a download.
  await expect(page.getByRole("link", { name: /^JSON/ })).toBeHidden();
});
