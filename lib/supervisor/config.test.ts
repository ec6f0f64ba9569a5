import { describe, expect, it } from "vitest";
import { baseUrlFor } from "./client";
import { ConfigError, loadSupervisorConfig, upstreamEchoesHistory } from "./config";

describe("loadSupervisorConfig", () => {
  it("runs on the embedded emulator when nothing is configured", () => {
    const config = loadSupervisorConfig({});
    expect(config).toMatchObject({
      provider: "emulator",
      pollIntervalMs: 2000,
      emulatorFlavor: "databricks",
    });
    expect(upstreamEchoesHistory(config)).toBe(true);
  });

  it("lists everything the chosen provider is missing in one error", () => {
    let error: unknown;
    try {
      loadSupervisorConfig({ SUPERVISOR_PROVIDER: "databricks" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringContaining("DATABRICKS_HOST is required"),
      expect.stringContaining(
        "DATABRICKS_TOKEN (a personal access token) or DATABRICKS_CLIENT_ID + DATABRICKS_CLIENT_SECRET",
      ),
    ]);
    expect((error as Error).message).toContain("fix the environment");
  });

  it("streams runs where the upstream can (OpenAI, the emulator's openai flavour) unless told otherwise", () => {
    const streams = (env: Record<string, string>) => loadSupervisorConfig(env).streaming;
    expect(streams({})).toBe(false);
    expect(streams({ EMULATOR_FLAVOR: "openai" })).toBe(true);
    expect(streams({ OPENAI_API_KEY: "sk-test" })).toBe(true);
    expect(streams({ OPENAI_API_KEY: "sk-test", SUPERVISOR_STREAMING: "off" })).toBe(false);
    // Quirk 7 in docs/upstreams.md: Databricks answers 400 to background + stream.
    expect(streams({ DATABRICKS_HOST: "https://w.example", DATABRICKS_TOKEN: "t" })).toBe(false);
    expect(streams({ EMULATOR_FLAVOR: "databricks", SUPERVISOR_STREAMING: "on" })).toBe(true);
    expect(() => loadSupervisorConfig({ SUPERVISOR_STREAMING: "yes" })).toThrow(
      /SUPERVISOR_STREAMING must be/,
    );
  });

  it("names the variable of a bad value", () => {
    expect(() => loadSupervisorConfig({ SUPERVISOR_POLL_INTERVAL_MS: "fast" })).toThrow(
      /SUPERVISOR_POLL_INTERVAL_MS/,
    );
    expect(() => loadSupervisorConfig({ SUPERVISOR_PROVIDER: "bedrock" })).toThrow(
      /SUPERVISOR_PROVIDER must be/,
    );
    expect(() => loadSupervisorConfig({ DATABRICKS_HOST: "my-workspace" })).toThrow(
      /DATABRICKS_HOST must be an http\(s\) URL/,
    );
  });

  it("reads the per-person run limits, off unless set, and refuses a limit that is not a whole number of 1 or more", () => {
    expect(loadSupervisorConfig({}).runLimits).toEqual({});
    expect(
      loadSupervisorConfig({ MAX_RUNS_IN_FLIGHT_PER_PERSON: "3", MAX_RUNS_PER_DAY_PER_PERSON: " 50 " })
        .runLimits,
    ).toEqual({ inFlight: 3, perDay: 50 });
    expect(loadSupervisorConfig({ MAX_RUNS_PER_DAY_PER_PERSON: "" }).runLimits).toEqual({});
    expect(() => loadSupervisorConfig({ MAX_RUNS_IN_FLIGHT_PER_PERSON: "0" })).toThrow(
      /MAX_RUNS_IN_FLIGHT_PER_PERSON must be 1 or more \(leave it unset for no limit\)/,
    );
    expect(() => loadSupervisorConfig({ MAX_RUNS_PER_DAY_PER_PERSON: "2.5" })).toThrow(
      /MAX_RUNS_PER_DAY_PER_PERSON must be a whole number of runs/,
    );
    expect(() => loadSupervisorConfig({ MAX_RUNS_PER_DAY_PER_PERSON: "lots" })).toThrow(
      /MAX_RUNS_PER_DAY_PER_PERSON must be a number of runs/,
    );
  });

  it("points the Databricks provider at the Supervisor API path of the workspace", () => {
    const config = loadSupervisorConfig({
      DATABRICKS_HOST: "https://adb-1.azuredatabricks.net/",
      DATABRICKS_TOKEN: "dapi123",
    });
    expect(config.provider).toBe("databricks");
    expect(baseUrlFor(config)).toBe("https://adb-1.azuredatabricks.net/ai-gateway/mlflow/v1");
    expect(config.model).toBe("databricks-claude-sonnet-4-5");
    expect(upstreamEchoesHistory(config)).toBe(true);
  });

  it("uses any OpenAI-compatible base URL and expects no echo there", () => {
    const config = loadSupervisorConfig({
      OPENAI_API_KEY: "sk-test",
      OPENAI_BASE_URL: "http://127.0.0.1:9000/v1",
    });
    expect(config.provider).toBe("openai");
    expect(baseUrlFor(config)).toBe("http://127.0.0.1:9000/v1");
    expect(upstreamEchoesHistory(config)).toBe(false);
    expect(baseUrlFor(loadSupervisorConfig({ OPENAI_API_KEY: "sk-test" }))).toBe("https://api.openai.com/v1");
  });

  it("loads hosted tools from SUPERVISOR_TOOLS_FILE, and a bad entry stops start-up naming it", () => {
    const files: Record<string, string> = {
      "good.json": JSON.stringify([{ type: "genie_space", genie_space: { id: "g1", description: "Sales" } }]),
      "bad.json": JSON.stringify([
        { type: "genie_space", genie_space: { id: "g1", description: "Sales" } },
        { type: "genie_space", genie_space: { description: "no id" } },
      ]),
    };
    const read = (path: string) => files[path] ?? "";
    const config = loadSupervisorConfig({ SUPERVISOR_TOOLS_FILE: "good.json" }, read);
    expect(config.hostedTools).toEqual([
      { type: "genie_space", genie_space: { id: "g1", description: "Sales" } },
    ]);
    expect(config.clientTools).toBe(true);
    expect(() => loadSupervisorConfig({ SUPERVISOR_TOOLS_FILE: "bad.json" }, read)).toThrow(
      /entry 2 \(genie_space\): genie_space\.id/,
    );
    expect(loadSupervisorConfig({ SUPERVISOR_CLIENT_TOOLS: "off" }).clientTools).toBe(false);
  });
});

describe("the agent-server providers", () => {
  const M2M = { DATABRICKS_CLIENT_ID: "sp", DATABRICKS_CLIENT_SECRET: "secret" };

  it("picks databricks-agent from the agent's URL, even beside a Databricks App's injected credentials", () => {
    const config = loadSupervisorConfig({
      DATABRICKS_AGENT_URL: "https://my-agent-1.aws.databricksapps.com/",
      DATABRICKS_HOST: "adb-1.azuredatabricks.net",
      ...M2M,
    });
    expect(config).toMatchObject({
      provider: "databricks-agent",
      streaming: true,
      agent: {
        url: "https://my-agent-1.aws.databricksapps.com",
        host: "https://adb-1.azuredatabricks.net",
        credentials: { clientId: "sp", clientSecret: "secret" },
      },
    });
    expect(upstreamEchoesHistory(config)).toBe(false);
  });

  it("takes the app's name instead of its URL, and Agent Bricks by AGENT_BRICKS_URL or its name", () => {
    expect(
      loadSupervisorConfig({
        DATABRICKS_AGENT_APP: "sales-agent",
        DATABRICKS_HOST: "https://w.example",
        ...M2M,
      }).agent,
    ).toMatchObject({ app: "sales-agent", appVariable: "DATABRICKS_AGENT_APP" });
    expect(
      loadSupervisorConfig({ AGENT_BRICKS_URL: "http://127.0.0.1:9000", DATABRICKS_TOKEN: "oauth" }),
    ).toMatchObject({
      provider: "agent-bricks",
      agent: { url: "http://127.0.0.1:9000", credentials: { token: "oauth" } },
    });
    expect(
      loadSupervisorConfig({
        AGENT_BRICKS_APP: "bricks",
        DATABRICKS_HOST: "https://w.example",
        DATABRICKS_TOKEN: "t",
      }).provider,
    ).toBe("agent-bricks");
  });

  it("lists what an agent provider is missing, naming both ways to give each", () => {
    let error: unknown;
    try {
      loadSupervisorConfig({ SUPERVISOR_PROVIDER: "databricks-agent" });
    } catch (err) {
      error = err;
    }
    expect((error as ConfigError).problems).toEqual([
      expect.stringContaining("DATABRICKS_AGENT_URL (the agent app's URL"),
      expect.stringMatching(
        /DATABRICKS_CLIENT_ID \+ DATABRICKS_CLIENT_SECRET .* or DATABRICKS_TOKEN \(an OAuth token/,
      ),
    ]);
    expect(() =>
      loadSupervisorConfig({
        SUPERVISOR_PROVIDER: "agent-bricks",
        AGENT_BRICKS_APP: "bricks",
        DATABRICKS_TOKEN: "t",
      }),
    ).toThrow(/DATABRICKS_HOST \(the workspace URL\) is required .* to look AGENT_BRICKS_APP up/);
    expect(() => loadSupervisorConfig({ DATABRICKS_AGENT_URL: "https://a.example", ...M2M })).toThrow(
      /DATABRICKS_HOST .* for the service principal's OAuth tokens/,
    );
    expect(() =>
      loadSupervisorConfig({
        DATABRICKS_AGENT_URL: "https://a.example",
        DATABRICKS_AGENT_APP: "a",
        DATABRICKS_TOKEN: "t",
      }),
    ).toThrow(/both name the agent/);
    expect(() =>
      loadSupervisorConfig({ DATABRICKS_AGENT_APP: "Not An App!", DATABRICKS_TOKEN: "t" }),
    ).toThrow(/DATABRICKS_AGENT_APP must be a Databricks App name/);
  });

  it("runs the embedded emulator as either agent server, streamed by default", () => {
    for (const flavor of ["databricks-agent", "agent-bricks"]) {
      const config = loadSupervisorConfig({ EMULATOR_FLAVOR: flavor });
      expect(config).toMatchObject({ provider: "emulator", emulatorFlavor: flavor, streaming: true });
      expect(upstreamEchoesHistory(config)).toBe(false);
    }
  });
});
