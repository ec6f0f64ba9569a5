import { createLowlight } from "lowlight";
import type { ExtraProps } from "react-markdown";
import { CODE_LANGUAGES } from "./code-languages";

type Element = NonNullable<ExtraProps["node"]>;
type Node = Element["children"][number];

/**
 * Only the grammars we list: importing `common` (37 of them, as rehype-highlight does by default even when
 * given its own list) would ship ~100 kB more to every browser.
 */
const lowlight = createLowlight(CODE_LANGUAGES);

function textOf(node: Node): string {
  if (node.type === "text") return node.value;
  return node.type === "element" ? node.children.map(textOf).join("") : "";
}

function fenceLanguage(code: Element): string | undefined {
  const classes = code.properties.className;
  if (!Array.isArray(classes)) return undefined;
  const found = classes.find((name) => typeof name === "string" && name.startsWith("language-"));
  return typeof found === "string" ? found.slice("language-".length) : undefined;
}

function highlight(code: Element) {
  const language = fenceLanguage(code);
  // No guessing for unlabelled code: it would try every grammar, on every update of a streaming block.
  if (!language || !lowlight.registered(language)) return;
  const highlighted = lowlight.highlight(language, textOf(code));
  // Spans with highlight.js class names around the code's own text: nothing of the model's markup.
  code.children = highlighted.children as Element["children"];
  code.properties.className = [...(code.properties.className as string[]), "hljs"];
}

function visit(node: { children: Node[] }) {
  for (const child of node.children) {
    if (child.type !== "element") continue;
    const code =
      child.tagName === "pre"
        ? child.children.find((c) => c.type === "element" && c.tagName === "code")
        : undefined;
    if (code?.type === "element") highlight(code);
    else visit(child);
  }
}

/** A rehype plugin: syntax colours for fenced code (`<pre><code class="language-…">`) in a known language. */
export function rehypeHighlightCode() {
  return (tree: { children: Node[] }) => visit(tree);
}
