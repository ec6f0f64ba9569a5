import { describe, expect, it } from "vitest";
import { createEmulator, emulatorOptionsFromEnv } from "../index";
import { agentServerOptionsFromEnv, resolveAgentServerOptions } from "./options";

describe("databricks-agent options", () => {
  it("reads EMULATOR_AGENT_* and leaves unset or empty ones out", () => {
    expect(agentServerOptionsFromEnv({})).toEqual({});
    expect(
      agentServerOptionsFromEnv({ EMULATOR_AGENT_LAKEBASE: " ", EMULATOR_AGENT_CRASH_RATE: "" }),
    ).toEqual({});
    expect(
      agentServerOptionsFromEnv({
        EMULATOR_AGENT_LAKEBASE: "FALSE",
        EMULATOR_AGENT_CRASH_RATE: "0.25",
        EMULATOR_AGENT_CRASH_AFTER_MS: "1500",
        EMULATOR_AGENT_CRASH_PAUSE_MS: "2000",
      }),
    ).toEqual({ lakebase: false, crash: { rate: 0.25, afterMs: 1500, pauseMs: 2000 } });
    // The emulator's own reader passes them on, and the flavour runs with them.
    const options = emulatorOptionsFromEnv({
      EMULATOR_FLAVOR: "databricks-agent",
      EMULATOR_AGENT_LAKEBASE: "0",
    });
    expect(options).toEqual({ flavor: "databricks-agent", agentServer: { lakebase: false } });
    expect(createEmulator(options).options.agentServer).toEqual({ lakebase: false, crash: { rate: 0 } });
  });

  it.each([
    ["EMULATOR_AGENT_LAKEBASE", "maybe"],
    ["EMULATOR_AGENT_CRASH_RATE", "1.5"],
    ["EMULATOR_AGENT_CRASH_RATE", "often"],
    ["EMULATOR_AGENT_CRASH_AFTER_MS", "-1"],
    ["EMULATOR_AGENT_CRASH_PAUSE_MS", "soon"],
  ])("refuses %s=%s with an error naming the variable", (name, value) => {
    expect(() => agentServerOptionsFromEnv({ [name]: value })).toThrow(name);
  });

  it("fills defaults and names a bad option", () => {
    expect(resolveAgentServerOptions()).toEqual({ lakebase: true, crash: { rate: 0 } });
    expect(resolveAgentServerOptions({ crash: { pauseMs: 0 } })).toEqual({
      lakebase: true,
      crash: { rate: 0, pauseMs: 0 },
    });
    expect(() => resolveAgentServerOptions({ crash: { rate: -0.1 } })).toThrow("agentServer.crash.rate");
    expect(() => resolveAgentServerOptions({ crash: { afterMs: Number.NaN } })).toThrow(
      "agentServer.crash.afterMs",
    );
    expect(() =>
      createEmulator({ flavor: "databricks-agent", agentServer: { crash: { pauseMs: -5 } } }),
    ).toThrow("agentServer.crash.pauseMs");
  });
});
