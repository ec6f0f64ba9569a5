import { chatExportMarkdown } from "./markdown";
import type { ChatExport } from "./shape";

export const EXPORT_FORMATS = ["markdown", "json"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** An export as a file to download. */
export interface ExportFile {
  body: string;
  contentType: string;
  filename: string;
}

export function exportFile(doc: ChatExport, format: ExportFormat): ExportFile {
  if (format === "json") {
    return {
      body: `${JSON.stringify(doc, null, 2)}\n`,
      contentType: "application/json; charset=utf-8",
      filename: exportFilename(doc.chat.title, "json"),
    };
  }
  return {
    body: chatExportMarkdown(doc),
    contentType: "text/markdown; charset=utf-8",
    filename: exportFilename(doc.chat.title, "md"),
  };
}

/**
 * A file name from the chat's title that is safe in a `Content-Disposition` header and on any disk: accents
 * dropped, anything but ASCII letters, digits, space, `.`, `_` and `-` made a space, at most 80 characters, no
 * dot or space at either end (Windows drops a trailing dot); "chat" when nothing is left.
 */
export function exportFilename(title: string, extension: "md" | "json"): string {
  const base = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9 ._-]+/g, " ")
    .replace(/\s+/g, " ")
    .slice(0, 80)
    .replace(/^[\s.]+|[\s.]+$/g, "");
  return `${base || "chat"}.${extension}`;
}

/** The `Content-Disposition` of a download named `filename` (already safe: see exportFilename). */
export function attachment(filename: string): string {
  return `attachment; filename="${filename}"`;
}
