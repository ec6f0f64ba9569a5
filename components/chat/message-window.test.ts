import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@/lib/shared/chat";
import { Chat } from "./chat";
import { FIRST_WINDOW, LAID_OUT_AT_OPEN, windowStart } from "./message-window";

const PAIRS = 100;
const messages: ChatMessage[] = Array.from({ length: PAIRS }, (_, turn) => [
  {
    id: `u${turn}`,
    role: "user" as const,
    parts: [{ type: "text" as const, text: `Question number ${turn}` }],
  },
  {
    id: `a${turn}`,
    role: "assistant" as const,
    parts: [
      { type: "text" as const, text: `Answer number ${turn}, with a **table**.`, state: "done" as const },
    ],
  },
]).flat();

describe("a long chat's first window", () => {
  it("starts FIRST_WINDOW from the end, grows to the start, and follows a chat that shrinks or grows", () => {
    expect(windowStart(200 - FIRST_WINDOW, 200)).toBe(200 - FIRST_WINDOW);
    expect(windowStart(0, 200)).toBe(0);
    // An edit cut the chat short: the window still shows its last FIRST_WINDOW messages at least.
    expect(windowStart(200 - FIRST_WINDOW, 20)).toBe(20 - FIRST_WINDOW);
    expect(windowStart(5, 3)).toBe(0);
    // New messages at the end do not move its start.
    expect(windowStart(200 - FIRST_WINDOW, 210)).toBe(200 - FIRST_WINDOW);
  });

  it("is all the server renders of a 200-message chat: each earlier message is in the page once, as data", () => {
    const html = renderToString(createElement(Chat, { chatId: "long", initialMessages: messages }));
    expect(html.match(/data-role="/g)).toHaveLength(FIRST_WINDOW);
    expect(html).toContain(`Question number ${PAIRS - 1}`);
    expect(html).toContain(`Question number ${PAIRS - FIRST_WINDOW / 2}`);
    expect(html).not.toContain(`Question number ${PAIRS - FIRST_WINDOW / 2 - 1}<`);
    // Only the last few are laid out at once: the rest of the window waits, off screen, until scrolled to.
    const deferred = html.split(`data-laid-out-when-seen="true"`).slice(1);
    expect(deferred).toHaveLength(FIRST_WINDOW - LAID_OUT_AT_OPEN);
    // After the last of them: its own message, then the last LAID_OUT_AT_OPEN, laid out at once.
    expect(deferred.at(-1)?.match(/data-role="/g)).toHaveLength(1 + LAID_OUT_AT_OPEN);
    expect(html).toMatch(/content-visibility:hidden[^>]*data-laid-out-when-seen/);
    // The end shows at the first paint: a script right after the scroller scrolls it there.
    expect(html).toMatch(
      /<\/div><script>\(function\(s\)\{if\(s\)requestAnimationFrame\(function\(\)\{s\.scrollTop=s\.scrollHeight;/,
    );
  });

  it("renders a short chat whole, with no script", () => {
    const html = renderToString(
      createElement(Chat, { chatId: "short", initialMessages: messages.slice(0, 6) }),
    );
    expect(html.match(/data-role="/g)).toHaveLength(6);
    const empty = renderToString(createElement(Chat, { chatId: "new", initialMessages: [], isNew: true }));
    expect(empty).not.toContain("<script");
  });
});
