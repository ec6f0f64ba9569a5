/**
 * Markdown parsing time grows with the square of the nesting depth: 200 nested list levels take seconds and
 * freeze the page, their indentation pushes the text out of the message, and nothing that deep is readable. Before parsing, lines nested deeper than
 * MAX_NESTING containers (`>` quotes, list markers) or indented more than MAX_INDENT columns are flattened onto
 * that level; their text is kept. Shallower markdown is returned unchanged.
 */
export const MAX_NESTING = 16;
/** Bullet lists nest every two columns: past this indentation a list would be deeper than MAX_NESTING. */
export const MAX_INDENT = 2 * MAX_NESTING;

/** One container marker on a line, with the whitespace before it: a quote, a bullet or an ordered item. */
const MARKER = /[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$))/y;
const FENCE = /^(`{3,}|~{3,})/;

function columns(whitespace: string): number {
  let width = 0;
  for (const char of whitespace) width = char === "\t" ? width + 4 - (width % 4) : width + 1;
  return width;
}

function capIndent(whitespace: string): string {
  return columns(whitespace) > MAX_INDENT ? " ".repeat(MAX_INDENT) : whitespace;
}

function isClosingFence(content: string, fence: string): boolean {
  const char = fence.charAt(0);
  let end = 0;
  while (content.charAt(end) === char) end++;
  return end >= fence.length && content.slice(end).trim() === "";
}

export function capNesting(text: string): string {
  let fence: string | undefined;
  let changed = false;
  const lines = text.split("\n").map((line) => {
    MARKER.lastIndex = 0;
    const markers: string[] = [];
    let end = 0;
    for (let match = MARKER.exec(line); match; match = MARKER.exec(line)) {
      markers.push(match[0]);
      end = MARKER.lastIndex;
    }
    const rest = line.slice(end);
    const indent = /^[ \t]*/.exec(rest)?.[0] ?? "";
    const content = rest.slice(indent.length);
    const inFence = fence !== undefined;
    if (fence === undefined) fence = FENCE.exec(content)?.[1];
    else if (isClosingFence(content, fence)) fence = undefined;

    // Inside a code fence indentation is code: only a container prefix deeper than the cap is cut.
    const capped = inFence
      ? markers.slice(0, MAX_NESTING).join("") + rest
      : markers
          .slice(0, MAX_NESTING)
          .map((marker) => {
            const space = /^[ \t]*/.exec(marker)?.[0] ?? "";
            return capIndent(space) + marker.slice(space.length);
          })
          .join("") +
        capIndent(indent) +
        content;
    if (capped !== line) changed = true;
    return capped;
  });
  return changed ? lines.join("\n") : text;
}
