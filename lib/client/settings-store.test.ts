import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, turnSettingsOf, validSettings } from "./settings-store";

describe("settings", () => {
  it("send the server only what differs from its own behaviour", () => {
    expect(turnSettingsOf(DEFAULT_SETTINGS)).toEqual({});
    expect(turnSettingsOf({ ...DEFAULT_SETTINGS, pollInterval: 30_000, revealSpeed: "instant" })).toEqual({
      pollIntervalMs: 30_000,
      revealSpeed: "instant",
    });
  });

  it("take a stored value only if it is one of the choices", () => {
    expect(
      validSettings({ pollInterval: 123, revealSpeed: "warp", theme: "dark", notifyWhenDone: "yes" }),
    ).toEqual({ theme: "dark" });
    expect(validSettings({ pollInterval: 10_000, revealSpeed: "slow", notifyWhenDone: true })).toEqual({
      pollInterval: 10_000,
      revealSpeed: "slow",
      notifyWhenDone: true,
    });
    expect(validSettings("garbage")).toEqual({});
  });
});
