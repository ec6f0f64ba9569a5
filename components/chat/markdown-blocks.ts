/**
 * Split markdown into top-level blocks that parse exactly as they do inside the whole text, so each block can be
 * parsed and rendered on its own and a streaming answer re-parses only its growing last block (a 6,000-word
 * answer re-parsed whole on every update costs ~100 ms a time in the browser).
 *
 * Conservative on purpose: a split is made only at blank lines outside fenced code, before a line that starts a
 * new block by itself (not indented at all, not a list item), so no list or indented code continues across it.
 * Text with constructs whose meaning crosses blank lines (link reference or footnote definitions, which apply to
 * the whole document, and HTML blocks, some of which run on past blank lines) is not split at all.
 */

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
/**
 * A line that makes the whole text one block: a definition (`[id]: …`, `[^1]: …`) or an HTML block. Tested line
 * by line: as a multiline pattern over a 40 kB answer it is tried at every character, on every update.
 */
const WHOLE_DOCUMENT = /^[ \t>]*(?:\[[^\]]+\]:|<)/;
/**
 * A line that may continue the block above it across a blank line: indented at all (a list item's content can
 * sit at any column from 2 on, indented code at 4), or a list item.
 */
const CONTINUES = /^(?:[ \t]|(?:[-+*]|\d{1,9}[.)])(?:[ \t]|$))/;

function closesFence(line: string, fence: string): boolean {
  const trimmed = line.trimStart();
  if (line.length - trimmed.length > 3) return false;
  let end = 0;
  while (trimmed.charAt(end) === fence.charAt(0)) end++;
  return end >= fence.length && trimmed.slice(end).trim() === "";
}

export function markdownBlocks(text: string): string[] {
  const lines = text.split("\n");
  if (lines.some((line) => WHOLE_DOCUMENT.test(line))) return [text];
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | undefined;
  let afterBlank = false;
  // The last line has no "\n" after it yet (a streaming answer may be mid-line): it never decides a split.
  lines.forEach((line, index) => {
    const complete = index < lines.length - 1;
    const blank = line.trim() === "";
    if (!fence && afterBlank && !blank && complete && !CONTINUES.test(line) && current.length > 0) {
      blocks.push(`${current.join("\n")}\n`);
      current = [];
    }
    current.push(line);
    if (fence) {
      if (closesFence(line, fence)) fence = undefined;
    } else {
      const opened = FENCE.exec(line)?.[1];
      if (opened) fence = opened;
    }
    afterBlank = blank && !fence;
  });
  blocks.push(current.join("\n"));
  return blocks;
}
