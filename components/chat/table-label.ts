import type { ExtraProps } from "react-markdown";

type HastNode = NonNullable<ExtraProps["node"]>["children"][number];

function textOf(node: HastNode): string {
  if (node.type === "text") return node.value;
  if (node.type === "element") return node.children.map(textOf).join("");
  return "";
}

function firstRowCells(node: HastNode): string[] | undefined {
  if (node.type !== "element") return undefined;
  if (node.tagName === "tr") {
    return node.children.flatMap((cell) =>
      cell.type === "element" && (cell.tagName === "th" || cell.tagName === "td")
        ? [textOf(cell).trim()]
        : [],
    );
  }
  for (const child of node.children) {
    const cells = firstRowCells(child);
    if (cells) return cells;
  }
  return undefined;
}

/**
 * A table's name for assistive technology: its column headings ("Table: region, revenue, growth"), so a
 * message with several tables does not offer several regions all called "Table". Capped: it is model output.
 */
export function tableLabel(table: ExtraProps["node"]): string {
  const headings = table ? firstRowCells(table)?.filter(Boolean) : undefined;
  if (!headings?.length) return "Table";
  const label = `Table: ${headings.join(", ")}`;
  return label.length > 100 ? `${label.slice(0, 99)}…` : label;
}
