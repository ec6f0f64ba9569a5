import { z } from "zod";

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
 * space, and the ends are trimmed, so the sidebar's one line shows what was stored.
 */
export const chatTitleSchema = z
  .string({ error: "The title must be text." })
  .transform((raw) => raw.replace(/[\p{Cc}\s]+/gu, " ").trim())
  .pipe(
    z
      .string()
      .min(1, { error: "The title cannot be empty." })
      .max(MAX_TITLE_CHARS, { error: `The title is longer than ${MAX_TITLE_CHARS} characters.` }),
  );

/** `PATCH /api/chat/{id}`: the one thing a person can change about a chat is its title. */
export const renameChatSchema = z.object({ title: chatTitleSchema }).strict();

/** A title typed in the sidebar, checked before it is sent: the same rule as the server's. */
export function checkTitle(raw: string): { ok: true; title: string } | { ok: false; message: string } {
  const parsed = chatTitleSchema.safeParse(raw);
  if (parsed.success) return { ok: true, title: parsed.data };
  return { ok: false, message: parsed.error.issues[0]?.message ?? "That title cannot be used." };
}

const chatListQuerySchema = z
  .object({
    q: z
      .string({ error: 'Give the search "q" once, as text.' })
      .trim()
      .max(MAX_SEARCH_CHARS, { error: `The search is longer than ${MAX_SEARCH_CHARS} characters.` })
      .optional(),
  })
  .strict();

/**
 * `GET /api/chats?q=…`: an optional search. Blank (or absent) lists every chat; a repeated `q` or any other
 * parameter is refused, so a typo does not silently list everything.
 */
export function parseChatListQuery(params: URLSearchParams) {
  const raw = Object.fromEntries(
    [...new Set(params.keys())].map((name) => {
      const values = params.getAll(name);
      return [name, values.length > 1 ? values : values[0]];
    }),
  );
  return chatListQuerySchema.safeParse(raw);
}
