import { describe, expect, it } from "vitest";
import type { ChatMessage } from "@/lib/shared/chat";
import {
  answerSteps,
  endAnnouncement,
  formatElapsed,
  runPhase,
  runStartedAtMs,
  runTabTitle,
  stepsHeader,
  stepsStatus,
  toolDurationLabel,
} from "./run-progress";

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

const reasoning = (text: string): Part => ({ type: "reasoning", text, state: "done" }) as Part;
const text = (value: string): Part => ({ type: "text", text: value, state: "done" }) as Part;

describe("steps: one definition for the header and the status line", () => {
  it("names every step the header counts, with how often a name repeats", () => {
    const parts = [reasoning("a"), tool("query_sales_genie"), reasoning("b"), tool("summarize_trends")];
    expect(stepsHeader(parts)).toBe("4 steps: reasoning ×2, query_sales_genie, summarize_trends");
    expect(stepsHeader([tool("calculate")])).toBe("1 step: calculate");
  });

  it("counts the same steps in the status line as the headers do, approval cards and text aside", () => {
    const message = answer(
      reasoning("a"),
      tool("query_sales_genie"),
      text("So far so good."),
      tool("search_web", "approval-requested"),
      tool("summarize_trends"),
    );
    const steps = answerSteps(message);
    expect(steps).toEqual({ count: 3, latest: "summarize_trends" });
    expect(stepsStatus(steps)).toBe("3 steps, latest summarize_trends");
    // The two groups' headers add up to the status line's count.
    const header = (parts: Part[]) => Number(stepsHeader(parts).split(" ")[0]);
    expect(header(message.parts.slice(0, 2)) + 1).toBe(steps.count);
    expect(answerSteps(undefined)).toEqual({ count: 0, latest: undefined });
    expect(stepsStatus({ count: 1, latest: "calculate" })).toBe("1 step, latest calculate");
  });
});

describe("runStartedAtMs", () => {
  it("counts from the stored run's start, not from when a status part arrived", () => {
    // A status sent 1.5 s before it was received: counting from its elapsed time would lag 1.5 s behind.
    expect(runStartedAtMs({ elapsedMs: 10_000, startedAt: 100_000 }, 111_500)).toBe(100_000);
  });

  it("falls back on the elapsed time when the server's clock is far off the browser's", () => {
    expect(runStartedAtMs({ elapsedMs: 10_000, startedAt: 50_000 }, 110_000)).toBe(100_000);
    expect(runStartedAtMs({ elapsedMs: 10_000 }, 110_000)).toBe(100_000);
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

describe("toolDurationLabel", () => {
  it("gives every finished card a duration, approximate for calls that ran upstream", () => {
    expect(toolDurationLabel({ kind: "client", startedAt: 0, finishedAt: 0.2 })).toBe("1 ms");
    expect(toolDurationLabel({ kind: "client", startedAt: 0, finishedAt: 1_250 })).toBe("1.3 s");
    expect(toolDurationLabel({ kind: "hosted", startedAt: 0, finishedAt: 400 })).toBe("<1 s");
    expect(toolDurationLabel({ kind: "mcp", startedAt: 0, finishedAt: 3_600 })).toBe("~4 s");
    // Times never recorded: said, not left out.
    expect(toolDurationLabel({ kind: "hosted" })).toBe("time not recorded");
  });
});
