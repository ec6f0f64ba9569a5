import { z } from "zod";
import { checkTitle, MAX_SEARCH_CHARS } from "./chat-title";

export { APP_TITLE, checkTitle, MAX_SEARCH_CHARS, MAX_TITLE_CHARS, tabTitleOf } from "./chat-title";

/** A title as typed, cleaned and checked (see `checkTitle`), or the reason it cannot be used. */
export const chatTitleSchema = z.string({ error: "The title must be text." }).transform((raw, context) => {
  const checked = checkTitle(raw);
  if (checked.ok) return checked.title;
  context.addIssue({ code: "custom", message: checked.message, input: raw });
  return z.NEVER;
});

/** `PATCH /api/chat/{id}`: the one thing a person can change about a chat is its title. */
export const renameChatSchema = z.object({ title: chatTitleSchema }).strict();

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
