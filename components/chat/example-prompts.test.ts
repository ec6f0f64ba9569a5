import { describe, expect, it } from "vitest";
import { pickScenario } from "@/emulator/scenarios";
import { EXAMPLE_PROMPTS } from "./example-prompts";

describe("EXAMPLE_PROMPTS", () => {
  it("each plays the emulator scenario it is offered for", () => {
    for (const { prompt, scenario } of EXAMPLE_PROMPTS) expect(pickScenario(prompt), prompt).toBe(scenario);
  });

  it("covers a plain answer, a data question, an approval and a long run", () => {
    expect(EXAMPLE_PROMPTS.map((example) => example.scenario)).toEqual([
      "plain",
      "multi-step",
      "approval",
      "long",
    ]);
  });
});
