import { describe, expect, it } from "vitest";
import { SCENARIOS } from "../scenarios";
import type { JsonObject } from "../types";
import { type AgentFrame, agentSetup, doneItems, ofType, readStored } from "./test-harness";

/** What identifies an item once: its id, or the call it answers for a tool's output (which has none). */
const identity = (item: JsonObject) => String(item.id ?? `output of ${String(item.call_id)}`);

describe("databricks-agent: every scenario, with and without a crash", () => {
  it.each(
    SCENARIOS.flatMap((scenario) => [
      [scenario.name, scenario.example],
      [`${scenario.name} (crash)`, `${scenario.example} Then crash.`],
    ]),
  )(
    "%s: a well-formed stream whose finished items, each once, are GET's output",
    async (_name, question) => {
      const { ask, get, advance, emulator } = agentSetup();
      const response = await ask(question, { background: true, stream: true });
      advance(600_000);
      const { frames, done } = await readStored(response);
      const id = frames[0]?.response_id as string;
      const body = (await (await get(`/responses/${id}`)).json()) as JsonObject;
      expect(done).toBe(body.status === "completed");
      expect(frames.map((frame) => frame.sequence_number)).toEqual(frames.map((_, index) => index));

      const items = doneItems(frames);
      expect(new Set(items.map(identity)).size).toBe(items.length);
      // A failed run's GET has no output; the store still holds what was finished before the failure.
      expect(body.output ?? []).toEqual(body.status === "completed" ? items : []);
      expect(emulator.inspect()[0]?.response.output).toEqual(items);

      // Turns pair up, and every announced item is finished unless its worker died or the run failed.
      let open = false;
      const unfinished = new Set<unknown>();
      for (const frame of frames as AgentFrame[]) {
        if (frame.type === "response.created") {
          expect(open).toBe(false);
          open = true;
        }
        if (frame.type === "response.completed") {
          expect(open).toBe(true);
          open = false;
        }
        if (frame.type === "response.resumed") {
          open = false;
          unfinished.clear();
        }
        if (frame.type === "response.output_item.added") unfinished.add((frame.item as JsonObject).id);
        if (frame.type === "response.output_item.done") unfinished.delete((frame.item as JsonObject).id);
      }
      if (body.status === "completed") {
        expect(open).toBe(false);
        expect([...unfinished]).toEqual([]);
      }
      expect(ofType(frames, "response.resumed").length).toBe(body.attempt_number === 2 ? 1 : 0);
    },
    20_000,
  );
});
