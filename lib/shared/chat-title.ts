// Chat titles, as the page and the server both need them. Without the schema library: the page's scripts import
// this (the server's request schemas, in chat-list.ts, build on it).

/** The app's name, the browser tab's title on a new chat. */
export const APP_TITLE = "Background Agent Chat";

/** The browser tab's title on a chat's page. */
export function tabTitleOf(chatTitle: string): string {
  return `${chatTitle} · ${APP_TITLE}`;
}

/** A chat title a person chose: long enough to read in full in the export's file name and the tab's title. */
export const MAX_TITLE_CHARS = 200;
/** A search is a few words; anything longer is refused rather than scanned for. */
export const MAX_SEARCH_CHARS = 200;

/**
 * A title as typed: control characters (a pasted tab or line break) become spaces, runs of whitespace one
 * space, and the ends are trimmed, so the sidebar's one line shows what was stored. The sidebar checks a title
 * with this before sending it, and the server with the same rule (`chatTitleSchema`).
 */
export function checkTitle(raw: string): { ok: true; title: string } | { ok: false; message: string } {
  const title = raw.replace(/[\p{Cc}\s]+/gu, " ").trim();
  if (title.length === 0) return { ok: false, message: "The title cannot be empty." };
  if (title.length > MAX_TITLE_CHARS) {
    return { ok: false, message: `The title is longer than ${MAX_TITLE_CHARS} characters.` };
  }
  return { ok: true, title };
}
