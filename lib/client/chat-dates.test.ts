import { describe, expect, it } from "vitest";
import { calendarDaysBetween, fullDateTime, groupChats, groupOf, relativeTime } from "./chat-dates";

// Dates are built in the local time zone, as the browser sees them: the tests hold in any zone.
const at = (month: number, day: number, hour = 12, minute = 0, year = 2026) =>
  new Date(year, month - 1, day, hour, minute).getTime();
const NOW = at(3, 10, 14, 30); // Tuesday 10 March 2026, 14:30

describe("calendarDaysBetween", () => {
  it("counts calendar days, not 24-hour spans", () => {
    expect(calendarDaysBetween(at(3, 10, 0, 1), NOW)).toBe(0);
    expect(calendarDaysBetween(at(3, 9, 23, 59), at(3, 10, 0, 1))).toBe(1);
    expect(calendarDaysBetween(at(2, 28), NOW)).toBe(10);
    expect(calendarDaysBetween(at(12, 31, 12, 0, 2025), at(1, 1, 0, 5))).toBe(1);
  });
});

describe("relativeTime", () => {
  it.each([
    [NOW - 20_000, "Just now"],
    [NOW + 60_000, "Just now"],
    [at(3, 10, 14, 25), "5 min"],
    [at(3, 10, 13, 31), "59 min"],
    [at(3, 10, 11, 0), "3 h"],
    [at(3, 10, 0, 5), "14 h"],
    [at(3, 9, 23, 50), "Yesterday"],
    [at(3, 8), "Sun"],
    [at(3, 4), "Wed"],
    [at(3, 3), "Mar 3"],
    [at(1, 15), "Jan 15"],
    [at(11, 2, 12, 0, 2025), "Nov 2, 2025"],
  ])("%s is %s", (time, label) => {
    expect(relativeTime(time, NOW)).toBe(label);
  });

  it("gives the full date and time for the tooltip", () => {
    expect(fullDateTime(at(3, 3, 9, 5), "en-US")).toBe("Tuesday, March 3, 2026 at 9:05 AM");
  });
});

describe("groupOf and groupChats", () => {
  it("puts each chat under Today, Yesterday, Previous 7 days or Older by its local calendar day", () => {
    expect(groupOf(at(3, 10, 0, 0), NOW)).toBe("Today");
    expect(groupOf(NOW + 3_600_000, NOW)).toBe("Today");
    expect(groupOf(at(3, 9, 23, 59), NOW)).toBe("Yesterday");
    expect(groupOf(at(3, 8), NOW)).toBe("Previous 7 days");
    expect(groupOf(at(3, 3, 0, 0), NOW)).toBe("Previous 7 days");
    expect(groupOf(at(3, 2, 23, 59), NOW)).toBe("Older");
  });

  it("keeps the chats' order within a group and leaves empty groups out", () => {
    const chats = [
      { id: "a", updatedAt: at(3, 10, 14) },
      { id: "b", updatedAt: at(3, 10, 9) },
      { id: "c", updatedAt: at(3, 6) },
      { id: "d", updatedAt: at(1, 2) },
    ];
    expect(groupChats(chats, NOW).map((g) => [g.label, g.chats.map((c) => c.id)])).toEqual([
      ["Today", ["a", "b"]],
      ["Previous 7 days", ["c"]],
      ["Older", ["d"]],
    ]);
    expect(groupChats([], NOW)).toEqual([]);
  });
});
