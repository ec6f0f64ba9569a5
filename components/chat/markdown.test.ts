import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { codeLanguage } from "./code-languages";
import { Markdown } from "./markdown";

const render = (text: string) => renderToStaticMarkup(createElement(Markdown, { text }));

describe("Markdown code blocks", () => {
  it("highlights a known language and offers Copy with the language named", () => {
    const html = render("```sql\nSELECT region FROM sales;\n```\n");
    expect(html).toContain('<span class="hljs-keyword">SELECT</span>');
    expect(html).toMatch(
      /<button[^>]*>(<svg[\s\S]*?<\/svg>)?Copy<span class="sr-only"> code<\/span><\/button>/,
    );
    expect(html).toContain(">sql</span>");
  });

  it("shows code in an unknown language, or none, as plain text, without guessing", () => {
    expect(render("```\nSELECT region FROM sales;\n```\n")).not.toContain("hljs");
    const html = render("```cobol\nDISPLAY 'HELLO'.\n```\n");
    expect(html).not.toContain("hljs");
    expect(html).toContain("DISPLAY &#x27;HELLO&#x27;.");
  });

  it("keeps markup inside code inert, highlighted or not", () => {
    for (const fence of ["```xml", "```html", "```"]) {
      const html = render(`${fence}\n<script>alert(1)</script><img src=x onerror=alert(1)>\n\`\`\`\n`);
      expect(html).not.toMatch(/<script|<img/i);
      // The markup shows as text: with the highlighting's spans taken away, it reads as written.
      expect(html.replace(/<[^>]+>/g, "")).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    }
  });
});

describe("Markdown tables and links", () => {
  it("puts a table in a focusable, named frame that scrolls on its own", () => {
    const html = render("| a | b |\n|---|---|\n| 1 | 2 |\n");
    expect(html).toMatch(/<section class="table-scroll" tabindex="0" aria-label="Table: a, b"><table>/);
  });

  it("names each table by its column headings, cut short when they run long", () => {
    expect(render("| **region** | `q2` |\n|---|---|\n| x | 1 |\n")).toContain(
      'aria-label="Table: region, q2"',
    );
    const wide = `| ${Array.from({ length: 40 }, (_, i) => `column${i}`).join(" | ")} |`;
    const label = /aria-label="([^"]*)"/.exec(render(`${wide}\n|${"---|".repeat(40)}\n`))?.[1] ?? "";
    expect(label.startsWith("Table: column0, column1")).toBe(true);
    expect(label).toHaveLength(100);
  });

  it("opens links in a new tab without a handle on this one, and drops unsafe ones", () => {
    const html = render("[ok](https://example.com) [bad](javascript:alert(1)) [data](data:text/html,x)");
    expect(html).toContain(
      '<a href="https://example.com" target="_blank" rel="noopener noreferrer nofollow">ok</a>',
    );
    expect(html).not.toMatch(/javascript:|data:text/);
    expect(html).toContain("<span>bad</span>");
  });
});

describe("codeLanguage", () => {
  it("reads the fence's language from hast or string class names", () => {
    expect(codeLanguage(["hljs", "language-sql"])).toBe("sql");
    expect(codeLanguage("language-ts hljs")).toBe("ts");
    expect(codeLanguage(undefined)).toBeUndefined();
    expect(codeLanguage(["language-"])).toBeUndefined();
  });

  it("cuts an absurdly long language name", () => {
    expect(codeLanguage([`language-${"x".repeat(200)}`])).toHaveLength(24);
  });
});
