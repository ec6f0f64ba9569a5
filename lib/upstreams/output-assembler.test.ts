import { describe, expect, it } from "vitest";
import { message } from "@/lib/background/testing";
import { OutputAssembler } from "./output-assembler";

const call = (callId: string) => ({
  type: "function_call",
  id: `fc_${callId}`,
  call_id: callId,
  name: "t",
  arguments: "{}",
});
const brief = (events: Array<Record<string, unknown>>) =>
  events.map(
    (e) =>
      `${e.type}@${e.output_index}${typeof e.delta === "string" ? `:${e.delta}` : ""}${e.reason ? `:${e.reason}` : ""}`,
  );

describe("OutputAssembler", () => {
  it("streams the message being written at the next index and finishes it there", () => {
    const a = new OutputAssembler();
    expect(brief(a.text("m1", "Hel"))).toEqual([
      "response.output_item.added@0",
      "response.output_text.delta@0:Hel",
    ]);
    expect(brief(a.text("m1", "lo"))).toEqual(["response.output_text.delta@0:lo"]);
    expect(brief(a.finish(message("m1", "Hello"), "m1"))).toEqual(["response.output_item.done@0"]);
    expect(brief(a.finish(call("c1")))).toEqual(["response.output_item.done@1"]);
    expect(a.output({ withUnfinished: false }).map((i) => i.id)).toEqual(["m1", "fc_c1"]);
  });

  it("gives indexes in the order items finish: a message that another item overtakes moves on, its text with it", () => {
    const a = new OutputAssembler();
    a.text("m1", "Let me look");
    // A tool call finishes first: it takes index 0, the message's text is voided there and shown again at 1.
    expect(brief(a.finish(call("c1")))).toEqual([
      "output.discarded@0:moved",
      "response.output_item.done@0",
      "response.output_item.added@1",
      "response.output_text.delta@1:Let me look",
    ]);
    expect(brief(a.text("m1", " that up."))).toEqual(["response.output_text.delta@1: that up."]);
    expect(brief(a.finish(message("m1", "Let me look that up."), "m1"))).toEqual([
      "response.output_item.done@1",
    ]);
  });

  it("matches a finished message to the text it continues when the server gives it another id", () => {
    const a = new OutputAssembler();
    a.text("uuid-a", "The answer");
    const events = a.finish(message("wrong-id", "The answer is 42."));
    expect(brief(events)).toEqual(["response.output_item.done@0"]);
    expect(events[0]?.item).toMatchObject({ id: "uuid-a", status: "completed" });
  });

  it("voids what a crashed attempt was writing and keeps what it finished", () => {
    const a = new OutputAssembler();
    a.finish(call("c1"));
    a.text("m1", "Half an ans");
    expect(brief(a.discardUnfinished())).toEqual(["output.discarded@1:restarted"]);
    expect(brief(a.text("m2", "The whole answer."))).toEqual([
      "response.output_item.added@1",
      "response.output_text.delta@1:The whole answer.",
    ]);
    expect(a.output({ withUnfinished: true }).map((i) => i.id)).toEqual(["fc_c1", "m2"]);
  });

  it("keeps text that never finished at the run's end, and never gives two items one id", () => {
    const a = new OutputAssembler();
    a.finish(call("c1"));
    a.finish({ ...call("c2"), id: "fc_c1" });
    a.text("m1", "Written, never finished.");
    const output = a.output({ withUnfinished: true });
    expect(output.map((i) => i.id)).toEqual(["fc_c1", "fc_c1-1", "m1"]);
    expect(output[2]).toMatchObject({ type: "message", status: "completed" });
    expect(a.output({ withUnfinished: false })).toHaveLength(2);
  });

  it("gives an id to a finished item that has none, except tool outputs", () => {
    const a = new OutputAssembler();
    a.finish({ type: "reasoning", summary: [] });
    a.finish({ type: "function_call_output", call_id: "c1", output: "x" });
    expect(a.output({ withUnfinished: false }).map((i) => i.id)).toEqual(["item-0", undefined]);
  });
});
