import { z } from "zod";
import { defineClientTool } from "./types";

const DEFAULT_TIME_ZONE = "UTC";

/** Intl knows the IANA zones of the running ICU; it throws a RangeError for anything else. */
function canonicalTimeZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-GB", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

export const currentTimeTool = defineClientTool({
  name: "get_current_time",
  description:
    "Get the current date and time (weekday, date, 24-hour time and UTC offset) in a time zone. " +
    "Use it whenever the answer depends on today's date or the time somewhere.",
  args: z.object({
    // Nullable as well as optional: OpenAI's strict mode makes every field required, and null is how it says "none".
    timezone: z
      .string()
      .refine((zone) => zone.trim() === "" || canonicalTimeZone(zone.trim()) !== undefined, {
        error: (issue) =>
          `unknown time zone ${JSON.stringify(issue.input)}; use an IANA name such as "Europe/London", "America/New_York", "Asia/Tokyo" or "UTC"`,
      })
      .nullable()
      .optional()
      .describe('IANA time zone name, e.g. "Asia/Tokyo" or "America/New_York". Defaults to "UTC".'),
  }),
  execute: ({ timezone }, { now }) => describeTimeIn(now(), timezone?.trim() || DEFAULT_TIME_ZONE),
});

/** "Tuesday, 24 November 2026, 17:05 (Asia/Tokyo, UTC+09:00)": readable for the model and a person alike. */
export function describeTimeIn(instant: Date, zone: string): string {
  const timeZone = canonicalTimeZone(zone);
  if (!timeZone) throw new Error(`unknown time zone ${JSON.stringify(zone)}`);
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZoneName: "longOffset",
  }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "";
  // ICU writes "GMT+09:00", and plain "GMT" for a zero offset.
  const offset = part("timeZoneName").replace(/^GMT/, "UTC");
  return `${part("weekday")}, ${part("day")} ${part("month")} ${part("year")}, ${part("hour")}:${part("minute")} (${timeZone}, ${offset === "UTC" ? "UTC+00:00" : offset})`;
}
