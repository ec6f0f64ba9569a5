/** Characters of context a search snippet shows on each side of the match. */
const SNIPPET_CONTEXT = 40;

/** `text` as a LIKE pattern that matches itself literally: `%`, `_` and the escape character are escaped. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Whether `text` contains `query`, ignoring case (the memory store's ILIKE). */
export function containsIgnoringCase(text: string, query: string): boolean {
  return text.toLowerCase().includes(query.toLowerCase());
}

/**
 * A one-line piece of `text` (markdown's `*` and backticks left out) around the first place `query` appears (ignoring case), with "…" where it was
 * cut; the start of the text when the match cannot be placed (case folding that changes lengths).
 */
export function snippetAround(text: string, query: string, context = SNIPPET_CONTEXT): string {
  // Markdown's emphasis and code marks would show as they are: the snippet is plain text.
  const line = text.replace(/[*`]+/g, "").replace(/\s+/g, " ").trim();
  const lower = line.toLowerCase();
  const found = lower.length === line.length ? lower.indexOf(query.replace(/\s+/g, " ").toLowerCase()) : -1;
  const at = Math.max(0, found);
  const matchEnd = at + (found >= 0 ? query.length : 0);
  let start = Math.max(0, at - context);
  let end = Math.min(line.length, matchEnd + context);
  // Whole words only: a cut inside a word moves to the word's edge, away from the match.
  if (start > 0 && line[start - 1] !== " ") {
    const space = line.indexOf(" ", start);
    if (space >= 0 && space < at) start = space + 1;
  }
  if (end < line.length && line[end] !== " ") {
    const space = line.lastIndexOf(" ", end);
    if (space > matchEnd) end = space;
  }
  return `${start > 0 ? "…" : ""}${line.slice(start, end).trim()}${end < line.length ? "…" : ""}`;
}
