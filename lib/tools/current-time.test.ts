import { describe, expect, it } from "vitest";
import { currentTimeTool, describeTimeIn } from "./current-time";

// A Tuesday; 08:05 UTC is 17:05 in Tokyo.
const context = { now: () => new Date("2026-11-24T08:05:42Z") };

describe("get_current_time", () => {
  it("describes the time in the requested zone", async () => {
    expect(await currentTimeTool.execute({ timezone: "Asia/Tokyo" }, context)).toBe(
      "Tuesday, 24 November 2026, 17:05 (Asia/Tokyo, UTC+09:00)",
    );
  });

  it("defaults to UTC when no zone, null or a blank zone is given", async () => {
    const utc = "Tuesday, 24 November 2026, 08:05 (UTC, UTC+00:00)";
    expect(await currentTimeTool.execute({}, context)).toBe(utc);
    expect(await currentTimeTool.execute({ timezone: null }, context)).toBe(utc);
    expect(await currentTimeTool.execute({ timezone: "  " }, context)).toBe(utc);
  });

  it("shows negative and half-hour offsets and the previous day", () => {
    expect(describeTimeIn(new Date("2026-11-24T02:00:00Z"), "America/St_Johns")).toBe(
      "Monday, 23 November 2026, 22:30 (America/St_Johns, UTC-03:30)",
    );
  });

  it("rejects an unknown zone with a message the model can act on", () => {
    const result = currentTimeTool.args.safeParse({ timezone: "Mars/Olympus_Mons" });
    expect(result.error?.issues[0]?.message).toBe(
      'unknown time zone "Mars/Olympus_Mons"; use an IANA name such as "Europe/London", "America/New_York", "Asia/Tokyo" or "UTC"',
    );
    expect(currentTimeTool.args.safeParse({ timezone: "Europe/London" }).success).toBe(true);
    expect(() => describeTimeIn(new Date(0), "Nowhere/Land")).toThrow(/unknown time zone/);
  });
});
