import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@/lib/shared/chat";
import { endAnnouncement, formatElapsed, runPhase, runTabTitle, toolSteps } from "./run-progress";

type Part = ChatMessage["parts"][number];

const answer = (...parts: Part[]): ChatMessage => ({ id: "a", role: "assistant", parts });
const tool = (
  toolName: string,
  state: "output-available" | "approval-requested" = "output-available",
): Part =>
  ({
    type: "dynamic-tool",
    toolName,
    toolCallId: `call_${toolName}`,
    state,
    input: {},
    ...(state === "output-available" ? { output: "ok" } : { approval: { id: `apr_${toolName}` } }),
  }) as Part;
const outcome = (status: string, message: string): Part =>
  ({ type: "data-run-outcome", id: "run-outcome", data: { status, message } }) as Part;

describe("runPhase", () => {
  it("follows the server's status while a stream is open", () => {
    expect(runPhase(true, undefined)).toBe("submitting");
    expect(runPhase(true, "queued")).toBe("queued");
    expect(runPhase(true, "in_progress")).toBe("running");
    expect(runPhase(true, "reconnecting")).toBe("reconnecting");
  });

  it("says the answer is being written when the server says the upstream shows it, until the run is over", () => {
    expect(runPhase(true, "in_progress", undefined, true)).toBe("writing");
    expect(runPhase(true, "in_progress", undefined, false)).toBe("running");
    expect(runPhase(true, "completed", undefined, true)).toBe("finishing");
  });

  it("says finishing when the run is over upstream but the answer is still arriving", () => {
    expect(runPhase(true, "completed")).toBe("finishing");
    expect(runPhase(true, "failed")).toBe("finishing");
  });

  it("waits for the person when the last answer has an undecided approval card, else shows nothing", () => {
    expect(runPhase(false, undefined, answer(tool("search_web", "approval-requested")))).toBe("approval");
    expect(runPhase(false, "in_progress", answer(tool("search_web")))).toBeNull();
    expect(runPhase(false, undefined)).toBeNull();
  });
});

describe("toolSteps", () => {
  it("counts the answer's tool calls and names the latest", () => {
    expect(toolSteps(answer(tool("query_sales_genie"), tool("summarize_trends")))).toEqual({
      count: 2,
      latest: "summarize_trends",
    });
    expect(toolSteps(undefined)).toEqual({ count: 0, latest: undefined });
  });
});

describe("titles and times", () => {
  it("formats the elapsed time in seconds, then minutes", () => {
    expect(formatElapsed(0)).toBe("0s");
    expect(formatElapsed(59_999)).toBe("59s");
    expect(formatElapsed(65_000)).toBe("1m 05s");
  });

  it("puts the phase and time in front of the chat's title", () => {
    expect(runTabTitle("running", 65_000, "Sales report")).toBe("● Running 1m 05s · Sales report");
    expect(runTabTitle("approval", 5_000, "Sales report")).toBe("● Waiting for your approval · Sales report");
  });
});

describe("endAnnouncement", () => {
  it("says how the run ended, once, in words", () => {
    expect(endAnnouncement(answer())).toBe("Run finished");
    expect(endAnnouncement(answer(outcome("cancelled", "The run was stopped.")))).toBe("Run stopped");
    expect(endAnnouncement(answer(outcome("failed", "Genie timed out")))).toBe("Run failed: Genie timed out");
    expect(endAnnouncement(answer(outcome("incomplete", "Cut off.")))).toBe("Run ended early: Cut off.");
    expect(endAnnouncement(answer(outcome("retried", "Retried after: x")))).toBe("Run finished");
    expect(endAnnouncement(undefined, "The chat is busy.")).toBe("Run failed: The chat is busy.");
    expect(endAnnouncement(answer(tool("search_web", "approval-requested")))).toBe(
      "Run paused: waiting for your approval",
    );
  });
});
