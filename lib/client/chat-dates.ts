/**
 * When a chat was last active, as the sidebar shows it: a short relative label on each row and the group the
 * row sits in. Calendar days are the browser's own (local time zone); `now` is passed in so tests can fix it.
 */

export type ChatGroupLabel = "Today" | "Yesterday" | "Previous 7 days" | "Older";

const GROUP_ORDER: ChatGroupLabel[] = ["Today", "Yesterday", "Previous 7 days", "Older"];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Whole calendar days from `then`'s day to `now`'s day (0: the same day), whatever the hours and DST. */
export function calendarDaysBetween(then: number, now: number): number {
  const day = (t: number) => {
    const d = new Date(t);
    return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  };
  return Math.round((day(now) - day(then)) / (24 * HOUR));
}

/** The group of a chat last updated at `updatedAt`; a time ahead of `now` (another machine's clock) is today. */
export function groupOf(updatedAt: number, now: number): ChatGroupLabel {
  const days = calendarDaysBetween(updatedAt, now);
  if (days <= 0) return "Today";
  if (days === 1) return "Yesterday";
  if (days <= 7) return "Previous 7 days";
  return "Older";
}

/** Chats (newest first) under their group's heading, in the groups' order, empty groups left out. */
export function groupChats<T extends { updatedAt: number }>(
  chats: readonly T[],
  now: number,
): Array<{ label: ChatGroupLabel; chats: T[] }> {
  const byGroup = new Map<ChatGroupLabel, T[]>();
  for (const chat of chats) {
    const label = groupOf(chat.updatedAt, now);
    byGroup.set(label, [...(byGroup.get(label) ?? []), chat]);
  }
  return GROUP_ORDER.flatMap((label) => {
    const list = byGroup.get(label);
    return list ? [{ label, chats: list }] : [];
  });
}

/**
 * A short label: "Just now", "5 min", "3 h" today, "Yesterday", a weekday within the week, then "Mar 3", with
 * the year when it is not this one. English, like the rest of the app.
 */
export function relativeTime(at: number, now: number): string {
  const ago = now - at;
  const days = calendarDaysBetween(at, now);
  if (ago < MINUTE || days < 0) return "Just now";
  if (days === 0) return ago < HOUR ? `${Math.floor(ago / MINUTE)} min` : `${Math.floor(ago / HOUR)} h`;
  if (days === 1) return "Yesterday";
  if (days <= 6) return formatter("en-US", { weekday: "short" }).format(at);
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  return formatter("en-US", {
    month: "short",
    day: "numeric",
    ...(sameYear ? {} : { year: "numeric" }),
  }).format(at);
}

/** The full date and time, in the browser's language, for the label's tooltip. */
export function fullDateTime(at: number, locale?: string): string {
  return formatter(locale, { dateStyle: "full", timeStyle: "short" }).format(at);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * One formatter per locale and options, kept: `toLocaleString` with options builds a new one on every call
 * (~0.2 ms), and every row of the sidebar formats its date on each render (once a minute, for the labels).
 */
function formatter(locale: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale ?? ""} ${JSON.stringify(options)}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, options);
    formatters.set(key, format);
  }
  return format;
}
