import { describe, expect, it } from "vitest";
import type { UpstreamItem } from "@/lib/shared/upstream";
import { checkDecisions, pendingApprovalRequests } from "./approvals";
import { toUpstreamInput, userMessageItem } from "./history";

const request = (id: string, name = "search_web"): UpstreamItem => ({
  type: "mcp_approval_request",
  id,
  server_label: "web-search",
  name,
  arguments: '{"query":"lakehouse"}',
});
const answer = (id: string, approve: boolean): UpstreamItem => ({
  type: "mcp_approval_response",
  approval_request_id: id,
  approve,
});
const listTools: UpstreamItem = {
  type: "mcp_list_tools",
  id: "mcpl_1",
  server_label: "web-search",
  tools: [],
};

describe("checkDecisions", () => {
  const history = [
    userMessageItem("search the web"),
    listTools,
    request("mcpr_1"),
    request("mcpr_2", "send_email"),
  ];

  it("turns approve and deny into mcp_approval_response items, reason included", () => {
    const check = checkDecisions(history, [
      { approvalRequestId: "mcpr_1", approve: true },
      { approvalRequestId: "mcpr_2", approve: false, reason: "not today" },
    ]);
    expect(check).toEqual({
      ok: true,
      responses: [
        { type: "mcp_approval_response", approval_request_id: "mcpr_1", approve: true },
        { type: "mcp_approval_response", approval_request_id: "mcpr_2", approve: false, reason: "not today" },
      ],
    });
  });

  it("refuses unknown, answered, lapsed, duplicated and partial decisions", () => {
    const both = (first: string) => [
      { approvalRequestId: first, approve: true },
      { approvalRequestId: "mcpr_2", approve: true },
    ];
    expect(checkDecisions(history, both("mcpr_forged"))).toMatchObject({ ok: false, code: "missing" });
    expect(
      checkDecisions([...history, answer("mcpr_1", true), answer("mcpr_2", false)], both("mcpr_1")),
    ).toMatchObject({
      ok: false,
      code: "conflict",
      message: expect.stringContaining("already been answered"),
    });
    expect(checkDecisions([...history, userMessageItem("never mind")], both("mcpr_1"))).toMatchObject({
      ok: false,
      code: "conflict",
      message: expect.stringContaining("no longer pending"),
    });
    expect(
      checkDecisions(history, [
        { approvalRequestId: "mcpr_1", approve: true },
        { approvalRequestId: "mcpr_1", approve: false },
      ]),
    ).toMatchObject({ ok: false, code: "invalid" });
    expect(checkDecisions(history, [{ approvalRequestId: "mcpr_1", approve: true }])).toMatchObject({
      ok: false,
      code: "invalid",
      message: expect.stringContaining("mcpr_2"),
    });
  });

  it("knows which requests are pending", () => {
    expect(pendingApprovalRequests(history).map((i) => i.id)).toEqual(["mcpr_1", "mcpr_2"]);
    expect(pendingApprovalRequests([...history, answer("mcpr_1", true)]).map((i) => i.id)).toEqual([
      "mcpr_2",
    ]);
    expect(pendingApprovalRequests([...history, userMessageItem("something else")])).toEqual([]);
  });
});

describe("toUpstreamInput", () => {
  it("sends an approval follow-up as history + the request + its response, for approve and deny alike", () => {
    for (const approve of [true, false]) {
      const input = toUpstreamInput([
        userMessageItem("search"),
        listTools,
        request("mcpr_1"),
        answer("mcpr_1", approve),
      ]);
      expect(input).toEqual([userMessageItem("search"), request("mcpr_1"), answer("mcpr_1", approve)]);
    }
  });

  it("drops requests nobody answered once the conversation moved on", () => {
    const input = toUpstreamInput([
      userMessageItem("search"),
      request("mcpr_1"),
      userMessageItem("forget it"),
    ]);
    expect(input).toEqual([userMessageItem("search"), userMessageItem("forget it")]);
  });

  it("sends a client function call with its output, and never an orphaned half", () => {
    const call: UpstreamItem = {
      type: "function_call",
      id: "fc_1",
      call_id: "call_1",
      name: "calculate",
      arguments: "{}",
      status: "completed",
    };
    const output: UpstreamItem = { type: "function_call_output", call_id: "call_1", output: "42" };
    const orphan: UpstreamItem = {
      type: "function_call",
      id: "fc_2",
      call_id: "call_2",
      name: "calculate",
      arguments: "{}",
    };
    expect(toUpstreamInput([userMessageItem("calc"), call, orphan, output])).toEqual([
      userMessageItem("calc"),
      call,
      output,
    ]);
  });
});
