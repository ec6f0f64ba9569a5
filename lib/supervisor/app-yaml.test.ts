import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadSupervisorConfig } from "./config";
import { loadToolsFile } from "./tools-file";

// app.yaml is what a Databricks App runs: check it against the app it deploys (a tiny reader: the file is flat).
const appYaml = readFileSync("app.yaml", "utf8");
const env: Record<string, Record<string, string>> = Object.fromEntries(
  [...appYaml.matchAll(/- name: (\w+)\n\s+(value|valueFrom): "?([^"\n]+)"?/g)].map((m) => [
    m[1],
    { [m[2] as string]: m[3] },
  ]),
);

describe("app.yaml (Databricks Apps)", () => {
  it("runs an npm script the package has, on the port the platform gives", () => {
    const command = /command: \[(.+)\]/.exec(appYaml)?.[1] ?? "";
    const script = JSON.parse(`[${command}]`).at(-1) as string;
    const scripts = JSON.parse(readFileSync("package.json", "utf8")).scripts as Record<string, string>;
    expect(scripts[script]).toContain("DATABRICKS_APP_PORT");
    expect(scripts[script]).toContain("0.0.0.0");
  });

  it("with what the platform sets (bare host, service principal) configures Databricks over OAuth M2M", () => {
    const values = Object.fromEntries(
      Object.entries(env).flatMap(([name, v]) => ("value" in v ? [[name, v.value]] : [])),
    );
    const config = loadSupervisorConfig({
      ...values,
      DATABRICKS_HOST: "adb-1234.5.azuredatabricks.net",
      DATABRICKS_CLIENT_ID: "app-sp-id",
      DATABRICKS_CLIENT_SECRET: "app-sp-secret",
    });
    expect(config.provider).toBe("databricks");
    expect(config.databricks).toMatchObject({
      host: "https://adb-1234.5.azuredatabricks.net",
      clientId: "app-sp-id",
    });
    expect(values.TRUST_FORWARDED_HEADERS).toBe("true");
    expect(loadToolsFile(values.SUPERVISOR_TOOLS_FILE as string)).toBeInstanceOf(Array);
    // The session key comes from a secret resource, never written into the file.
    expect(env.SESSION_SECRET).toEqual({ valueFrom: "session-secret" });
  });
});
