import { describe, expect, it } from "vitest";
import { person } from "./build";
import { attachment, exportFile, exportFilename } from "./file";
import { approvalLine, chatExportMarkdown } from "./markdown";
import type { ChatExport } from "./shape";

const doc = (messages: ChatExport["messages"], title = "Q2 sales"): ChatExport => ({
  format: "background-agent-chat/chat-export",
  version: 1,
  exportedAt: "2026-12-05T15:10:00.000Z",
  chat: { id: "c1", title, createdAt: "2026-12-05T15:00:00.000Z", updatedAt: "2026-12-05T15:02:30.000Z" },
  complete: true,
  usage: { answers: 0, measured: 0, durationMs: 0, cycles: 0, toolCalls: 0 },
  messages,
});

describe("export file names", () => {
  it.each([
    ["Analyze Q2 sales by region", "Analyze Q2 sales by region"],
    ['a "quoted"/path\\name\r\n; evil=1', "a quoted path name evil 1"],
    ["Café über naïve", "Cafe uber naive"],
    ["../../etc/passwd", "etc passwd"],
    ["  .hidden", "hidden"],
    ["Please calculate 17 * 23 + 4.", "Please calculate 17 23 4"],
    ["日本語のチャット", "chat"],
    ["", "chat"],
  ])("%j becomes %j", (title, base) => {
    expect(exportFilename(title, "md")).toBe(`${base}.md`);
  });

  it("are at most 80 characters before the extension, and quoted in the header", () => {
    expect(exportFilename("x".repeat(500), "json")).toBe(`${"x".repeat(80)}.json`);
    expect(attachment("Q2 sales.md")).toBe('attachment; filename="Q2 sales.md"');
  });

  it("go with their content type", () => {
    expect(exportFile(doc([]), "markdown")).toMatchObject({
      contentType: "text/markdown; charset=utf-8",
      filename: "Q2 sales.md",
    });
    const json = exportFile(doc([]), "json");
    expect(json).toMatchObject({ contentType: "application/json; charset=utf-8", filename: "Q2 sales.json" });
    expect(JSON.parse(json.body)).toEqual(doc([]));
  });
});

describe("the Markdown export", () => {
  it("keeps hostile names and outputs inside their code: backticks cannot close a fence or a span", () => {
    const markdown = chatExportMarkdown(
      doc([
        {
          id: "a",
          role: "assistant",
          text: "",
          blocks: [
            {
              type: "tool_call",
              id: "t",
              name: "evil`name",
              ranOn: "agent",
              input: {},
              output: "```\n# not a heading\n```",
              state: "completed",
            },
          ],
        },
      ]),
    );
    expect(markdown).toContain("**Tool call ``evil`name``**");
    // The output's backticks stay in its JSON string, inside a fence longer than any run of them.
    expect(markdown).toContain(
      '````json\n{\n  "input": {},\n  "output": "```\\n# not a heading\\n```"\n}\n````',
    );
    expect(markdown).not.toMatch(/^# not a heading$/m);
  });

  it("says every kind of decision", () => {
    const at = "2026-12-05T15:02:41.000Z";
    const ada = person("fwd:ada@example.com", "fwd:ada@example.com");
    expect(approvalLine({ id: "r", decision: "approved", decidedBy: ada, decidedAt: at })).toBe(
      "**Approved** by ada@example.com at 2026-12-05 15:02 UTC",
    );
    expect(
      approvalLine({ id: "r", decision: "denied", reason: "Not\nnow", decidedBy: ada, decidedAt: at }),
    ).toBe("**Denied** by ada@example.com at 2026-12-05 15:02 UTC: Not now");
    expect(approvalLine({ id: "r", decision: "pending" })).toBe("**Waiting for approval.**");
    expect(approvalLine({ id: "r", decision: "lapsed" })).toContain("Not decided");
  });

  it("names who decided without an anonymous session's id", () => {
    expect(person("fwd-user:1234567", "anon:x")).toEqual({
      kind: "user",
      userId: "1234567",
      label: "user 1234567",
    });
    expect(person("anon:5f0c", "anon:5f0c")).toEqual({
      kind: "anonymous",
      owner: true,
      label: "the chat's owner (anonymous session)",
    });
    expect(JSON.stringify(person("anon:5f0c", "anon:other"))).not.toContain("5f0c");
  });

  it("has a heading per message, a still-running note, and an outcome", () => {
    const markdown = chatExportMarkdown({
      ...doc([
        { id: "u", role: "user", text: "Hi", blocks: [{ type: "text", text: "Hi" }] },
        {
          id: "a",
          role: "assistant",
          text: "",
          blocks: [],
          outcome: { status: "cancelled", message: "The run was stopped." },
          usage: {
            durationMs: 4_200,
            cycles: 2,
            toolCalls: 1,
            tokens: { input: 1_200, output: 300, reasoning: 120 },
          },
        },
        {
          id: "b",
          role: "assistant",
          text: "",
          blocks: [],
          usage: { durationMs: 900, cycles: 1, toolCalls: 0 },
        },
      ]),
      complete: false,
      usage: {
        answers: 2,
        measured: 2,
        durationMs: 5_100,
        cycles: 3,
        toolCalls: 1,
        tokens: { input: 1_200, output: 300, reasoning: 120 },
      },
    });
    expect(markdown).toBe(
      [
        "# Q2 sales",
        "",
        "Exported from Background Agent Chat on 2026-12-05 15:10 UTC. Chat started 2026-12-05 15:00 UTC, last updated 2026-12-05 15:02 UTC.",
        "",
        "Totals: 2 answers · 1 tool call · 5.1 s · 1,500 tokens (1,200 in · 300 out (120 reasoning)).",
        "",
        "> **Still running:** a run was going on when this chat was exported. The last answer is what had been stored so far.",
        "",
        "---",
        "",
        "## You",
        "",
        "Hi",
        "",
        "---",
        "",
        "## Agent",
        "",
        "_Nothing stored yet._",
        "",
        "> **Stopped:** The run was stopped.",
        "",
        "_Usage: 4.2 s · 2 cycles · 1 tool call · 1,500 tokens (1,200 in · 300 out (120 reasoning))_",
        "",
        "---",
        "",
        "## Agent",
        "",
        "_Nothing stored yet._",
        "",
        // No tokens were reported for this answer: nothing is said about them.
        "_Usage: 0.9 s · 1 cycle · 0 tool calls_",
        "",
      ].join("\n"),
    );
  });
});
