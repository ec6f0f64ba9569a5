import { describe, expect, it } from "vitest";
import { emulatorOptionsFromEnv } from "../options";
import { agentBricksOptionsFromEnv, resolveAgentBricksOptions } from "./options";

describe("agent-bricks options", () => {
  it("reads the EMULATOR_BRICKS_* variables; unset or empty ones are left out", () => {
    expect(agentBricksOptionsFromEnv({})).toEqual({});
    expect(
      agentBricksOptionsFromEnv({ EMULATOR_BRICKS_SESSION: " ", EMULATOR_BRICKS_CRASH_RATE: "" }),
    ).toEqual({});
    expect(
      agentBricksOptionsFromEnv({
        EMULATOR_BRICKS_SESSION: "Body",
        EMULATOR_BRICKS_CRASH_RATE: "0.25",
        EMULATOR_BRICKS_CRASH_PAUSE_MS: "1500",
        EMULATOR_BRICKS_LOSE_CREATE_ANSWERS: "0.1",
      }),
    ).toEqual({ sessionContract: "body", crash: { rate: 0.25, pauseMs: 1500 }, loseCreateAnswers: 0.1 });
    // The emulator's own reader passes them on.
    expect(emulatorOptionsFromEnv({ EMULATOR_BRICKS_SESSION: "header" }).agentBricks).toEqual({
      sessionContract: "header",
    });
  });

  it("names the variable when its value is wrong", () => {
    expect(() => agentBricksOptionsFromEnv({ EMULATOR_BRICKS_SESSION: "cookie" })).toThrow(
      /EMULATOR_BRICKS_SESSION/,
    );
    expect(() => agentBricksOptionsFromEnv({ EMULATOR_BRICKS_CRASH_RATE: "2" })).toThrow(
      /EMULATOR_BRICKS_CRASH_RATE/,
    );
    expect(() => agentBricksOptionsFromEnv({ EMULATOR_BRICKS_CRASH_PAUSE_MS: "-5" })).toThrow(
      /EMULATOR_BRICKS_CRASH_PAUSE_MS/,
    );
    expect(() => agentBricksOptionsFromEnv({ EMULATOR_BRICKS_LOSE_CREATE_ANSWERS: "often" })).toThrow(
      /EMULATOR_BRICKS_LOSE_CREATE_ANSWERS/,
    );
  });

  it("fills in defaults and refuses bad values by name", () => {
    expect(resolveAgentBricksOptions()).toEqual({
      sessionContract: "header",
      crash: { rate: 0 },
      loseCreateAnswers: 0,
    });
    expect(() => resolveAgentBricksOptions({ loseCreateAnswers: 1.5 })).toThrow(/loseCreateAnswers/);
    expect(() => resolveAgentBricksOptions({ crash: { pauseMs: Number.NaN } })).toThrow(/crash\.pauseMs/);
    expect(() => resolveAgentBricksOptions({ sessionContract: "cookie" as never })).toThrow(
      /sessionContract/,
    );
  });
});
