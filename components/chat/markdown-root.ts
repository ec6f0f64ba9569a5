/**
 * The element every rendered markdown text sits in: the renderer's (markdown.tsx) and the island that keeps the
 * server's rendering of it (markdown-island.tsx) must be the same element, or hydration would not match.
 */
export function markdownRootProps(writing: boolean) {
  return { className: "markdown", "data-writing": writing || undefined } as const;
}
