import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { describe, expect, it } from "vitest";
import { capNesting, MAX_INDENT, MAX_NESTING } from "./nesting";

const render = (markdown: string) =>
  renderToStaticMarkup(createElement(ReactMarkdown, { remarkPlugins: [remarkGfm] }, markdown));

/** How deep `tag` elements nest in the HTML. */
function depthOf(html: string, tag: string): number {
  let depth = 0;
  let max = 0;
  for (const [token] of html.matchAll(new RegExp(`</?${tag}>`, "g"))) {
    depth += token.startsWith("</") ? -1 : 1;
    max = Math.max(max, depth);
  }
  return max;
}

const deepList = (levels: number) =>
  Array.from({ length: levels }, (_, i) => `${"  ".repeat(i)}- level ${i + 1}`).join("\n");

describe("capNesting", () => {
  it("leaves ordinary markdown alone, indentation inside code fences included", () => {
    const ordinary = [
      "# Title",
      "",
      "> a quote",
      "> > nested",
      "",
      deepList(6),
      "",
      "1. one",
      "   1. one.one",
      "",
      "```json",
      `${" ".repeat(80)}"deeply": "indented code"`,
      "```",
      "",
      "    indented code",
    ].join("\n");
    expect(capNesting(ordinary)).toBe(ordinary);
  });

  it("flattens a 200-deep list at the cap and keeps every item's text", () => {
    const html = render(capNesting(deepList(200)));
    expect(depthOf(render(deepList(40)), "ul")).toBe(40);
    expect(depthOf(html, "ul")).toBeLessThanOrEqual(MAX_INDENT / 2 + 1);
    expect(depthOf(html, "ul")).toBeGreaterThanOrEqual(MAX_NESTING);
    for (const level of [1, 32, 33, 199, 200]) expect(html).toMatch(new RegExp(`level ${level}\\b`));
  });

  it("caps quote and list markers on one line, and staircases of quotes", () => {
    expect(depthOf(render(capNesting(`${"> ".repeat(200)}deep`)), "blockquote")).toBe(MAX_NESTING);
    const mixed = render(capNesting(`${"> - ".repeat(100)}deep`));
    expect(depthOf(mixed, "blockquote") + depthOf(mixed, "ul")).toBeLessThanOrEqual(MAX_NESTING);
    expect(mixed).toContain("deep");
    const staircase = Array.from({ length: 200 }, (_, i) => `${"> ".repeat(i + 1)}step ${i + 1}`).join("\n");
    const html = render(capNesting(staircase));
    expect(depthOf(html, "blockquote")).toBe(MAX_NESTING);
    expect(html).toContain("step 200");
  });
});
