// The soak's lost/duplicated detection on crafted inputs: if this logic broke, a soak could pass while the app
// drops or repeats items.

import type { UIMessage, UIMessageChunk } from "ai";
import { describe, expect, it } from "vitest";
import { discardedTextMetadata } from "@/lib/shared/chat";
import { rebuildMessage } from "./chat-client";
import {
  compareMessage,
  discardedParts,
  duplicatesInStream,
  expectedFromUpstream,
  itemCount,
  lastUserText,
  type UpstreamRecord,
} from "./count";
import { parseEvents } from "./sse";

const message = (id: string, text: string) => ({
  type: "message",
  id,
  role: "assistant",
  status: "completed",
  content: [{ type: "output_text", text, annotations: [] }],
});
const call = (id: string, callId: string, name = "query_sales_genie") => ({
  type: "function_call",
  id,
  call_id: callId,
  name,
  arguments: "{}",
  status: "completed",
});
const output = (callId: string) => ({ type: "function_call_output", call_id: callId, output: "42" });
const reasoning = (id: string, text: string) => ({
  type: "reasoning",
  id,
  summary: [{ type: "summary_text", text }],
});

/** A multi-step response after one earlier turn: two echoed items, then five new ones. */
const upstream: UpstreamRecord[] = [
  {
    id: "resp_1",
    status: "completed",
    echoed: 2,
    input: [{ type: "message", role: "user", content: "Analyze the data soakxbta" }],
    output: [
      message("msg_old", "An earlier answer."),
      output("call_old"),
      reasoning("rs_1", "Planning."),
      call("fc_1", "call_1"),
      output("call_1"),
      reasoning("rs_2", ""),
      message("msg_1", "The answer."),
    ],
  },
];

/** The message the browser shows when everything went right. */
function goodMessage(): UIMessage {
  return {
    id: "run_1",
    role: "assistant",
    parts: [
      { type: "step-start" },
      { type: "reasoning", text: "Planning.", state: "done" },
      {
        type: "dynamic-tool",
        toolName: "query_sales_genie",
        toolCallId: "call_1",
        state: "output-available",
        input: {},
        output: "42",
      },
      { type: "text", text: "The answer.", state: "done" },
    ],
  };
}

describe("expected items", () => {
  it("takes every new item of every response, skips echoes and empty reasoning", () => {
    const keys = expectedFromUpstream(upstream).map((e) => `${e.key}×${e.count}`);
    expect(keys.sort()).toEqual(
      ["reasoning:Planning.×1", "tool:call_1×1", "tool-output:call_1×1", "text:The answer.×1"].sort(),
    );
  });

  it("expects an output on an app tool's call when the next response's input carries it", () => {
    const expected = expectedFromUpstream([
      { id: "r1", status: "completed", echoed: 0, input: [], output: [call("fc_9", "call_9", "calculate")] },
      {
        id: "r2",
        status: "completed",
        echoed: 2,
        input: [call("fc_9", "call_9", "calculate"), output("call_9")],
        output: [
          call("fc_9", "call_9", "calculate"),
          output("call_9"),
          message("msg_2", "17 * 23 + 4 = 395."),
        ],
      },
    ]);
    expect(expected.map((e) => e.key).sort()).toEqual(
      ["tool:call_9", "tool-output:call_9", "text:17 * 23 + 4 = 395."].sort(),
    );
  });

  it("keys approval requests and their approved calls on the request id", () => {
    const expected = expectedFromUpstream([
      {
        id: "r1",
        status: "completed",
        echoed: 0,
        input: [],
        output: [
          { type: "mcp_list_tools", id: "mcpl_1", server_label: "web", tools: [] },
          { type: "mcp_approval_request", id: "mcpr_1", name: "search_web", arguments: "{}" },
        ],
      },
      {
        id: "r2",
        status: "completed",
        echoed: 0,
        input: [],
        output: [{ type: "mcp_call", id: "mcp_1", approval_request_id: "mcpr_1", output: "found" }],
      },
    ]);
    expect(expected.map((e) => e.key).sort()).toEqual(
      ["data-mcp-tools:mcpl_1", "tool:mcpr_1", "tool-output:mcpr_1"].sort(),
    );
  });
});

describe("comparing the final message", () => {
  const expected = expectedFromUpstream(upstream);

  it("finds nothing wrong with the right message", () => {
    const result = compareMessage(expected, goodMessage());
    expect(result).toEqual({ lost: [], duplicated: [], unexpected: [], discarded: [] });
  });

  it("counts a missing text, tool call, tool output and reasoning as lost", () => {
    const parts = goodMessage().parts;
    const cases: Array<[UIMessage["parts"], string]> = [
      [parts.filter((p) => p.type !== "text"), "text:The answer."],
      [parts.filter((p) => p.type !== "reasoning"), "reasoning:Planning."],
      [parts.filter((p) => p.type !== "dynamic-tool"), "tool:call_1"],
      [
        parts.map((p) =>
          p.type === "dynamic-tool" ? { ...p, state: "input-available", output: undefined } : p,
        ) as never,
        "tool-output:call_1",
      ],
    ];
    for (const [broken, key] of cases) {
      const result = compareMessage(expected, { ...goodMessage(), parts: broken });
      expect(result.lost.map((f) => f.key)).toContain(key);
      expect(result.duplicated).toEqual([]);
    }
    expect(itemCount(compareMessage(expected, undefined).lost)).toBe(4);
  });

  it("counts a repeated text or reasoning as duplicated", () => {
    const parts = goodMessage().parts;
    const twice = {
      ...goodMessage(),
      parts: [...parts, { type: "text", text: "The answer.", state: "done" } as const],
    };
    const result = compareMessage(expected, twice);
    expect(result.duplicated).toEqual([
      expect.objectContaining({ key: "text:The answer.", expected: 1, actual: 2 }),
    ]);
    expect(result.lost).toEqual([]);
    expect(itemCount(result.duplicated)).toBe(1);
  });

  it("expects the same text twice when the upstream said it twice", () => {
    const twiceUpstream = expectedFromUpstream([
      {
        ...upstream[0],
        output: [...(upstream[0] as UpstreamRecord).output, message("msg_2", "The answer.")],
      } as UpstreamRecord,
    ]);
    expect(compareMessage(twiceUpstream, goodMessage()).lost).toEqual([
      expect.objectContaining({ key: "text:The answer.", expected: 2, actual: 1 }),
    ]);
  });
});

describe("text the app set aside (a crashed worker's draft, text that moved)", () => {
  const expected = expectedFromUpstream(upstream);
  const draft = (text: string, reason: "restarted" | "moved") =>
    ({ type: "text", text, state: "done", providerMetadata: discardedTextMetadata(reason) }) as const;
  const withParts = (...extra: UIMessage["parts"]): UIMessage => {
    const parts = goodMessage().parts;
    // Where the app puts a draft: before the answer that replaced it.
    return { ...goodMessage(), parts: [...parts.slice(0, -1), ...extra, ...parts.slice(-1)] };
  };

  it("leaves restarted and moved drafts out: they are no upstream item and are not shown", () => {
    const message = withParts(draft("The ans", "restarted"), draft("The answ", "moved"));
    expect(compareMessage(expected, message)).toEqual({
      lost: [],
      duplicated: [],
      unexpected: [],
      discarded: [],
    });
    expect(discardedParts(message)).toEqual([
      { reason: "restarted", text: "The ans" },
      { reason: "moved", text: "The answ" },
    ]);
  });

  it("flags a draft that holds a finished item's whole text, with or without the shown part", () => {
    for (const reason of ["restarted", "moved"] as const) {
      const both = compareMessage(expected, withParts(draft("The answer.", reason)));
      expect(both.discarded).toEqual([
        expect.objectContaining({
          key: "text:The answer.",
          actual: 1,
          source: expect.stringContaining(reason),
        }),
      ]);
      expect(both.lost).toEqual([]);
      expect(both.duplicated).toEqual([]);
    }
    // The finished answer only as a draft: set aside, and lost to the person.
    const parts = goodMessage().parts.filter((p) => p.type !== "text");
    const only = compareMessage(expected, {
      ...goodMessage(),
      parts: [...parts, draft("The answer.", "restarted")],
    });
    expect(only.lost).toEqual([expect.objectContaining({ key: "text:The answer.", expected: 1, actual: 0 })]);
    expect(only.discarded).toHaveLength(1);
  });

  it("still counts a repeated answer beside a draft as duplicated", () => {
    const twice = withParts(draft("The ans", "restarted"), {
      type: "text",
      text: "The answer.",
      state: "done",
    });
    expect(compareMessage(expected, twice).duplicated).toEqual([
      expect.objectContaining({ key: "text:The answer.", expected: 1, actual: 2 }),
    ]);
  });

  it("ignores a part whose mark is not a discard reason", () => {
    const marked = withParts({
      type: "text",
      text: "The answer.",
      state: "done",
      providerMetadata: { backgroundAgentChat: { discarded: "maybe" } },
    });
    expect(compareMessage(expected, marked).duplicated).toEqual([
      expect.objectContaining({ key: "text:The answer.", expected: 1, actual: 2 }),
    ]);
  });

  it("expects every finished item of both attempts of a crashed run once", () => {
    // The first attempt finished its reasoning and a call; its worker died before the tool answered, and the
    // second attempt made the call anew (its own call id) and wrote the answer.
    const crashed = expectedFromUpstream([
      {
        id: "resp_c",
        status: "completed",
        echoed: 0,
        input: [],
        output: [
          reasoning("rs_1", "Planning."),
          call("fc_1", "call_1"),
          call("fc_2", "call_2"),
          output("call_2"),
          message("msg_2", "The answer."),
        ],
      },
    ]);
    expect(crashed.map((e) => `${e.key}×${e.count}`).sort()).toEqual(
      [
        "reasoning:Planning.×1",
        "tool:call_1×1",
        "tool:call_2×1",
        "tool-output:call_2×1",
        "text:The answer.×1",
      ].sort(),
    );
  });

  it("keeps a draft's mark when the browser's message is rebuilt from the stream", async () => {
    const rebuilt = await rebuildMessage([
      { type: "start", messageId: "run_1" },
      { type: "start-step" },
      { type: "text-start", id: "msg_1" },
      { type: "text-delta", id: "msg_1", delta: "The ans" },
      { type: "text-end", id: "msg_1", providerMetadata: discardedTextMetadata("restarted") },
      { type: "text-start", id: "msg_2" },
      { type: "text-delta", id: "msg_2", delta: "The answer." },
      { type: "text-end", id: "msg_2" },
    ]);
    expect(discardedParts(rebuilt)).toEqual([{ reason: "restarted", text: "The ans" }]);
    const expectedAnswer = expectedFromUpstream([
      { id: "r", status: "completed", echoed: 0, input: [], output: [message("msg_2", "The answer.")] },
    ]);
    expect(compareMessage(expectedAnswer, rebuilt)).toEqual({
      lost: [],
      duplicated: [],
      unexpected: [],
      discarded: [],
    });
  });
});

describe("duplicates within one stream", () => {
  it("flags a tool call, text or reasoning sent twice in one stream, not across streams", () => {
    const once: UIMessageChunk[] = [
      { type: "start", messageId: "run_1" },
      { type: "text-start", id: "msg_1" },
      { type: "text-delta", id: "msg_1", delta: "Hi" },
      { type: "text-end", id: "msg_1" },
      { type: "tool-input-available", toolCallId: "call_1", toolName: "t", input: {}, dynamic: true },
      { type: "tool-output-available", toolCallId: "call_1", output: 1, dynamic: true },
    ];
    expect(duplicatesInStream(once)).toEqual([]);
    const twice = [...once, once[4] as UIMessageChunk, once[1] as UIMessageChunk];
    expect(
      duplicatesInStream(twice)
        .map((f) => f.key)
        .sort(),
    ).toEqual(["text-start:msg_1", "tool-input:call_1"]);
  });

  it("lets moved text start again under its id after a discarded end, and only then", () => {
    const moved: UIMessageChunk[] = [
      { type: "text-start", id: "msg_1" },
      { type: "text-delta", id: "msg_1", delta: "The ans" },
      { type: "text-end", id: "msg_1", providerMetadata: discardedTextMetadata("moved") },
      { type: "text-start", id: "msg_1" },
      { type: "text-delta", id: "msg_1", delta: "The answer." },
      { type: "text-end", id: "msg_1" },
    ];
    expect(duplicatesInStream(moved)).toEqual([]);
    // A third start after a plain end is a second copy.
    const again: UIMessageChunk[] = [...moved, { type: "text-start", id: "msg_1" }];
    expect(duplicatesInStream(again)).toEqual([
      expect.objectContaining({ key: "text-start:msg_1", expected: 1, actual: 2 }),
    ]);
    // A start again after a plain end is a duplicate, as before.
    const plain: UIMessageChunk[] = [
      { type: "text-start", id: "msg_1" },
      { type: "text-end", id: "msg_1" },
      { type: "text-start", id: "msg_1" },
    ];
    expect(duplicatesInStream(plain).map((f) => f.key)).toEqual(["text-start:msg_1"]);
  });
});

describe("rebuilding the browser's message from streams", () => {
  const chunks = (messageId: string, texts: Array<[string, string]>): UIMessageChunk[] => [
    { type: "start", messageId },
    { type: "start-step" },
    ...texts.flatMap(([id, text]): UIMessageChunk[] => [
      { type: "text-start", id },
      { type: "text-delta", id, delta: text },
      { type: "text-end", id },
    ]),
  ];

  it("starts a resumed stream over (it is a replay) and continues an approval's message", async () => {
    const first = await rebuildMessage(chunks("run_1", [["msg_1", "One."]]));
    expect(first?.parts.filter((p) => p.type === "text")).toHaveLength(1);
    // The replay repeats msg_1 and adds msg_2: the rebuilt message holds each once.
    const resumed = await rebuildMessage(
      chunks("run_1", [
        ["msg_1", "One."],
        ["msg_2", "Two."],
      ]),
    );
    expect(resumed?.parts.flatMap((p) => (p.type === "text" ? [p.text] : []))).toEqual(["One.", "Two."]);
    // An approval's stream continues the message it answers.
    const continued = await rebuildMessage(chunks("run_1", [["msg_3", "Three."]]), resumed);
    expect(continued?.parts.flatMap((p) => (p.type === "text" ? [p.text] : []))).toEqual([
      "One.",
      "Two.",
      "Three.",
    ]);
  });

  it("would show a replay appended to the old message as a duplicate", async () => {
    const first = await rebuildMessage(chunks("run_1", [["msg_1", "The answer."]]));
    // Wrong on purpose: treating a replay as a continuation doubles the text, and the comparison must see it.
    const wrong = await rebuildMessage(chunks("run_1", [["msg_1", "The answer."]]), first);
    const expected = expectedFromUpstream([
      { id: "r", status: "completed", echoed: 0, input: [], output: [message("msg_1", "The answer.")] },
    ]);
    expect(itemCount(compareMessage(expected, wrong).duplicated)).toBe(1);
  });
});

describe("stream and input parsing", () => {
  it("reads SSE data lines and keeps a partial event for later", () => {
    const seen: UIMessageChunk[] = [];
    const rest = parseEvents(
      'data: {"type":"start","messageId":"m"}\n\ndata: [DONE]\n\ndata: {"type":"fin',
      (c) => seen.push(c),
    );
    expect(seen).toEqual([{ type: "start", messageId: "m" }]);
    expect(rest).toBe('data: {"type":"fin');
  });

  it("finds the last user text in an input", () => {
    expect(
      lastUserText([
        { type: "message", role: "user", content: [{ type: "input_text", text: "first" }] },
        message("m", "reply"),
        { type: "message", role: "user", content: "second soakxbtb" },
        output("c"),
      ]),
    ).toBe("second soakxbtb");
  });
});
