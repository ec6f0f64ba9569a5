import { describe, expect, it } from "vitest";
import { type ChatMessage, discardedTextMetadata } from "@/lib/shared/chat";
import { messageMarkdown } from "./message-text";

describe("messageMarkdown", () => {
  it("joins the text parts as markdown and leaves out tools, reasoning and empty text", () => {
    const parts = [
      { type: "step-start" },
      { type: "reasoning", text: "thinking" },
      { type: "text", text: "First **part**.\n" },
      { type: "dynamic-tool", toolName: "x", toolCallId: "1", state: "input-available", input: {} },
      { type: "text", text: "  " },
      { type: "text", text: "| a |\n|---|\n| 1 |" },
    ] as ChatMessage["parts"];
    expect(messageMarkdown({ parts })).toBe("First **part**.\n\n| a |\n|---|\n| 1 |");
  });

  it("leaves out text the run set aside (a crashed attempt's unfinished draft)", () => {
    const parts = [
      { type: "text", text: "Half an ans", providerMetadata: discardedTextMetadata("restarted") },
      { type: "text", text: "The whole answer." },
    ] as ChatMessage["parts"];
    expect(messageMarkdown({ parts })).toBe("The whole answer.");
  });

  it("is empty for a message with no text", () => {
    expect(messageMarkdown({ parts: [] })).toBe("");
  });
});
