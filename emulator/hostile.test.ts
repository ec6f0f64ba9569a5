import { describe, expect, it } from "vitest";
import {
  HOSTILE_SAMPLES,
  type HostileKind,
  LONG_TOKEN,
  LONG_URL,
  NESTING_DEPTH,
  PWN_JS,
  PWN_PATH,
} from "./hostile";
import { buildTimeline, pickScenario, timelineDuration } from "./scenarios";
import { messageText, setup } from "./test-helpers";

const QUESTION = `hostile <img src=x onerror=${PWN_JS}> <script>fetch('${PWN_PATH}')</script> [x](javascript:${PWN_JS})`;

describe("hostile corpus", () => {
  it("holds named samples of every kind, and every payload that could run is observable", () => {
    expect(HOSTILE_SAMPLES.length).toBeGreaterThanOrEqual(25);
    expect(new Set(HOSTILE_SAMPLES.map((s) => s.name)).size).toBe(HOSTILE_SAMPLES.length);
    const kinds: HostileKind[] = [
      "script",
      "event-handler",
      "embed",
      "url",
      "autolink",
      "reference",
      "entity",
      "style",
      "breakout",
      "unicode",
      "size",
      "nesting",
    ];
    for (const kind of kinds)
      expect(HOSTILE_SAMPLES.filter((s) => s.kind === kind).length).toBeGreaterThan(0);
    for (const s of HOSTILE_SAMPLES.filter((s) => ["script", "event-handler", "embed"].includes(s.kind))) {
      expect(`${s.name}: ${s.markdown}`).toMatch(/__pwned|\/pwned|base64,/);
    }
    const all = HOSTILE_SAMPLES.map((s) => s.markdown).join("\n");
    for (const needle of [
      "<script>",
      "<SCRIPT>",
      "onerror=",
      "onload=",
      "<iframe",
      "JaVaScRiPt:",
      "&#106;avascript:",
    ])
      expect(all).toContain(needle);
    for (const needle of ["vbscript:", "data:text/html", "<style>", "\u202E", "\u200B"])
      expect(all).toContain(needle);
    expect(all).toContain(LONG_TOKEN);
    expect(LONG_TOKEN).toHaveLength(50_000);
    expect(LONG_URL.length).toBeGreaterThan(20_000);
    expect(all).toContain("> ".repeat(NESTING_DEPTH));
    expect(all).toContain(`${"  ".repeat(NESTING_DEPTH - 1)}- level ${NESTING_DEPTH}`);
  });
});

describe("hostile scenario", () => {
  it("is picked by the word hostile, before the words of its payloads pick another one", () => {
    expect(pickScenario(QUESTION)).toBe("hostile");
    expect(pickScenario("Hostile output with data, errors and a search")).toBe("hostile");
    expect(timelineDuration(buildTimeline(QUESTION, 1))).toBeLessThan(8_000);
  });

  it("answers with the whole corpus through messages, tool calls, an MCP call and an approval request", async () => {
    const { create, retrieve, advance } = setup();
    const created = await create({ model: "m", input: QUESTION, background: true });
    advance(3_000);
    const running = await retrieve(created.id);
    expect(running.status).toBe("in_progress");
    advance(10_000);
    const done = await retrieve(created.id);
    expect(done.status).toBe("completed");
    expect(done.output.map((item) => item.type)).toEqual([
      "reasoning",
      "mcp_list_tools",
      "message",
      "function_call",
      "function_call_output",
      "function_call",
      "function_call_output",
      "mcp_call",
      "message",
      expect.stringMatching(/^emulator_hostile/),
      "message",
      "message",
      "message",
      "message",
      "message",
      "mcp_approval_request",
    ]);

    // The question comes back raw, as a careless agent would quote it.
    expect(messageText(done.output[2])).toContain(`You asked: ${QUESTION}`);
    // Every sample reaches the client verbatim somewhere: in a message, a tool output or the MCP output.
    const texts = done.output.map((item) =>
      item.type === "message" ? messageText(item) : typeof item.output === "string" ? item.output : "",
    );
    for (const s of HOSTILE_SAMPLES)
      expect(
        texts.some((text) => text.includes(s.markdown)),
        s.name,
      ).toBe(true);

    // Tool cards show arguments and outputs: they carry payloads too, valid JSON or not.
    const [call, output, badCall, jsonOutput, mcpCall] = done.output.slice(3, 8);
    expect(JSON.parse(String(call?.arguments))).toMatchObject({ url: `javascript:${PWN_JS}` });
    expect(output).toMatchObject({ call_id: call?.call_id });
    expect(String(output?.output)).toContain("<script>");
    expect(() => JSON.parse(String(badCall?.arguments))).toThrow();
    expect(JSON.parse(String(jsonOutput?.output))).toMatchObject({
      html: expect.stringContaining("<script>"),
    });
    expect(mcpCall).toMatchObject({
      type: "mcp_call",
      status: "completed",
      server_label: expect.stringContaining("onload"),
    });

    type Citation = { url: string; start_index: number; end_index: number };
    const parts = (done.output[13]?.content ?? []) as Array<{ text: string; annotations: Citation[] }>;
    const cited = parts[0];
    expect(cited?.annotations.map((a) => a.url.split(":")[0])).toEqual(["javascript", "data", "https"]);
    // A url_citation says which words it cites (docs/upstreams.md): a span of its part's text.
    for (const { start_index, end_index } of cited?.annotations ?? []) {
      expect(start_index).toBeGreaterThanOrEqual(0);
      expect(end_index).toBeGreaterThan(start_index);
      expect(end_index).toBeLessThanOrEqual(String(cited?.text).length);
    }

    const approval = done.output.at(-1);
    expect(approval?.id).toMatch(/^mcpr_/);
    expect(approval?.server_label).toContain("onerror");
    expect(JSON.parse(String(approval?.arguments))).toMatchObject({
      html: expect.stringContaining("<script>"),
    });
  });
});
