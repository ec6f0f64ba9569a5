import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import ReactMarkdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { describe, expect, it } from "vitest";
import { analyseSales, analysisAnswer, salesTable, trendsSummary } from "@/emulator/genie";
import { HOSTILE_SAMPLES } from "@/emulator/hostile";
import { longReport } from "@/emulator/prose";
import { markdownBlocks } from "./markdown-blocks";
import { capNesting } from "./nesting";

const render = (text: string) =>
  renderToStaticMarkup(
    createElement(
      ReactMarkdown,
      // Images as the app shows them (never loaded), and no React warning about empty src attributes.
      { remarkPlugins: [remarkGfm], skipHtml: true, components: { img: () => null } },
      text,
    ),
  );

/** What a person sees: the blocks rendered one by one must be the text rendered whole. */
function expectSameRendering(text: string) {
  const blocks = markdownBlocks(text);
  expect(blocks.join("")).toBe(text);
  expect(blocks.map(render).join("\n")).toBe(render(text));
  return blocks;
}

const sales = analyseSales("Analyze Q2 sales by region");
const TRICKY: Record<string, string> = {
  "loose list": "Intro\n\n- one\n\n- two\n\n  more of two\n\nAfter the list.\n",
  "ordered list": "1. first\n\n2. second\n\n10) third\n\nDone.",
  "fence with blank lines":
    "Code:\n\n```ts\nconst a = 1;\n\n\nconst b = 2;\n```\n\nAfter.\n\n~~~\n\nx\n\n~~~\n\nEnd.",
  "unclosed fence": "Text\n\n```\ncode\n\nstill code\n\n# not a heading",
  "indented code": "Para\n\n    code line\n\n    more code\n\nPara two.",
  "reference links": "See [the docs][d].\n\nMore text.\n\n[d]: https://example.com\n",
  footnotes: "A claim.[^1]\n\nMore.\n\n[^1]: The source.\n",
  "html blocks": "<!--\n\nhidden?\n\n-->\n\nVisible.\n\n<div>\n\n*x*\n\n</div>",
  "quotes and rules": "> quoted\n\n> again\n\n---\n\n***\n\nText\n===\n\nend",
  "table after text": "Results:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNotes.",
  "tabs and spaces": "Para\n\n\tcode\n\n   three spaces para\n\nlast",
};

describe("markdownBlocks", () => {
  it.each(Object.entries(TRICKY))("renders %s exactly as the whole text", (_, text) => {
    expectSameRendering(text);
  });

  it("splits the long report and the multi-step answer into many blocks, rendered as the whole", () => {
    expect(expectSameRendering(longReport("Write a long report")).length).toBeGreaterThan(40);
    expectSameRendering(analysisAnswer("Analyze Q2 sales by region", sales));
    expectSameRendering(salesTable(sales));
    expectSameRendering(trendsSummary(sales));
  });

  it("renders the hostile samples as the whole text", () => {
    // Nesting is capped before parsing, in the app as here (200 levels take seconds to parse).
    for (const { markdown } of HOSTILE_SAMPLES) expectSameRendering(capNesting(markdown));
  }, 30_000);

  it("renders every prefix of a streaming answer as the whole prefix, and keeps finished blocks unchanged", () => {
    const text = `${Object.values(TRICKY).slice(0, 3).join("\n\n")}\n\n${analysisAnswer("Q2", sales)}`;
    let previous: string[] = [];
    for (let end = 1; end <= text.length; end += 7) {
      const blocks = expectSameRendering(text.slice(0, end));
      // All but the last block of the previous prefix stay as they were: memoised, they never re-render.
      expect(blocks.slice(0, previous.length - 1)).toEqual(previous.slice(0, -1));
      previous = blocks;
    }
  }, 30_000);
});
