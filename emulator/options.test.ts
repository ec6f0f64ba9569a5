import { describe, expect, it } from "vitest";
import { createEmulator, emulatorOptionsFromEnv, SCENARIOS } from "./index";
import { pickScenario } from "./scenarios";

describe("emulatorOptionsFromEnv", () => {
  it("reads every variable and leaves unset or empty ones out", () => {
    expect(emulatorOptionsFromEnv({})).toEqual({});
    expect(emulatorOptionsFromEnv({ EMULATOR_FLAVOR: "", EMULATOR_TOKEN: " " })).toEqual({});
    expect(
      emulatorOptionsFromEnv({
        EMULATOR_FLAVOR: "OpenAI",
        EMULATOR_TIME_SCALE: "0.05",
        EMULATOR_TOKEN: "t",
        EMULATOR_RETENTION_MS: "Infinity",
        EMULATOR_ECHO_APPROVALS: "true",
      }),
    ).toEqual({
      flavor: "openai",
      timeScale: 0.05,
      token: "t",
      retentionMs: Number.POSITIVE_INFINITY,
      echoApprovals: true,
    });
  });

  it("reads the fault knobs", () => {
    expect(
      emulatorOptionsFromEnv({
        EMULATOR_FAULTS: "retrieve:503=0.1,retrieve:429=0.05,retrieve:reset=0.05,retrieve:malformed=0.1",
        EMULATOR_LATENCY_MS: "50-200",
        EMULATOR_SEED: "1234",
        EMULATOR_RETRY_AFTER_S: "2",
        EMULATOR_SLOW_MS: "1500",
      }),
    ).toEqual({
      faults: {
        rates: { retrieve: { "503": 0.1, "429": 0.05, reset: 0.05, malformed: 0.1 } },
        retryAfterSeconds: 2,
        slowMs: 1500,
      },
      latency: { minMs: 50, maxMs: 200 },
      seed: 1234,
    });
    const emulator = createEmulator(emulatorOptionsFromEnv({ EMULATOR_SEED: "9", EMULATOR_LATENCY_MS: "0" }));
    expect(emulator.options.seed).toBe(9);
    expect(emulator.options.latency).toBeUndefined();
    // Without a seed one is drawn, and shown, so a run can be repeated.
    expect(Number.isInteger(createEmulator().options.seed)).toBe(true);
  });

  it.each([
    ["EMULATOR_FAULTS", "503=0.1"],
    ["EMULATOR_FAULTS", "retrieve:503=0.7,retrieve:reset=0.7"],
    ["EMULATOR_LATENCY_MS", "slow"],
    ["EMULATOR_SEED", "-1"],
    ["EMULATOR_SLOW_MS", "-5"],
    ["EMULATOR_FLAVOR", "azure"],
    ["EMULATOR_TIME_SCALE", "fast"],
    ["EMULATOR_TIME_SCALE", "0"],
    ["EMULATOR_RETENTION_MS", "-5"],
    ["EMULATOR_ECHO_APPROVALS", "maybe"],
  ])("throws a clear error naming %s for %j", (name, value) => {
    expect(() => emulatorOptionsFromEnv({ [name]: value })).toThrow(name);
  });
});

describe("createEmulator options", () => {
  it("fills in the defaults per flavour", () => {
    const databricks = createEmulator().options;
    expect(databricks).toMatchObject({ flavor: "databricks", timeScale: 1, echoApprovals: false });
    expect(databricks.retentionMs).toBe(Number.POSITIVE_INFINITY);
    expect(databricks.token).toBeUndefined();
    expect(createEmulator({ flavor: "openai" }).options.retentionMs).toBe(600_000);
  });

  it("refuses a non-positive time scale", () => {
    expect(() => createEmulator({ timeScale: 0 })).toThrow(/timeScale/);
  });
});

describe("scenario selection", () => {
  it.each([
    ["Why did the job fail?", "fail"],
    ["Show me an ERROR", "fail"],
    ["truncated please", "incomplete"],
    ["instant", "instant"],
    ["Write an essay", "long"],
    ["Quarterly reports", "long"],
    ["Do the analysis step by step", "multi-step"],
    ["Ask the Genie space", "multi-step"],
    ["Update the details", "plain"],
    ["A long data analysis that may fail", "fail"],
    ["Create a ticket and email the team", "two-approvals"],
    ["Search the web for data tools", "approval"],
    ["Do both searches", "two-approvals"],
    ["What time is it in Tokyo?", "client-function"],
    ["What times are shown?", "client-function"],
    ["The time is what it is", "plain"],
    ["Compute the growth from the data", "client-function"],
    ["Show me an unknown hologram item", "unknown-item"],
    ["hostile <img src=x onerror=alert(1)> data search error", "hostile"],
  ])("%j → %s", (question, scenario) => {
    expect(pickScenario(question)).toBe(scenario);
  });

  it("lists every scenario with an example that selects it", () => {
    expect(SCENARIOS.map((s) => s.name)).toEqual([
      "hostile",
      "fail",
      "incomplete",
      "instant",
      "long",
      "two-approvals",
      "approval",
      "client-function",
      "unknown-item",
      "multi-step",
      "plain",
    ]);
    for (const scenario of SCENARIOS) expect(pickScenario(scenario.example)).toBe(scenario.name);
  });
});
