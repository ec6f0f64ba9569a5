import { describe, expect, it } from "vitest";
import type { JsonObject } from "../types";
import { agentSetup, doneItems, ofType, readStored, userSays } from "./test-harness";

const QUESTION = "Search the web for lakehouse news";

describe("databricks-agent: an MCP approval round trip", () => {
  it("completes with the approval request; the follow-up with the decision streams the mcp_call and the answer", async () => {
    const { post, get, advance } = agentSetup();
    const first = await post("/responses", { input: userSays(QUESTION), background: true, stream: true });
    advance(60_000);
    const asked = await readStored(first);
    expect(asked.done).toBe(true);
    const request = doneItems(asked.frames).at(-1) as JsonObject;
    expect(request).toMatchObject({
      type: "mcp_approval_request",
      id: expect.stringMatching(/^mcpr_/),
      server_label: expect.any(String),
      name: "search_web",
      arguments: expect.stringContaining("lakehouse news"),
    });
    // MCP items are written once, finished, inside the turn.
    const frame = ofType(asked.frames, "response.output_item.done").at(-1);
    expect(frame?.output_index).toBe(2);
    expect(
      ofType(asked.frames, "response.output_item.added").map((added) => (added.item as JsonObject).type),
    ).toEqual(["message"]);
    const firstId = asked.frames[0]?.response_id as string;
    expect(await (await get(`/responses/${firstId}`)).json()).toMatchObject({ status: "completed" });

    const followUp = await post("/responses", {
      input: [
        ...userSays(QUESTION),
        request,
        { type: "mcp_approval_response", approval_request_id: request.id, approve: true },
      ],
      background: true,
      stream: true,
    });
    advance(60_000);
    const answered = await readStored(followUp);
    expect(answered.frames[0]?.response_id).not.toBe(firstId);
    const items = doneItems(answered.frames);
    expect(items.map((item) => item.type)).toEqual(["mcp_call", "message"]);
    expect(items[0]).toMatchObject({
      name: "search_web",
      approval_request_id: request.id,
      status: "completed",
    });
    expect(JSON.stringify(items[1])).toContain("I ran `search_web`");
  });

  it("answers a denial without running the tool", async () => {
    const { post, advance } = agentSetup();
    const request = {
      type: "mcp_approval_request",
      id: "mcpr_1",
      server_label: "web-search",
      name: "search_web",
      arguments: '{"query":"x"}',
    };
    const response = await post("/responses", {
      input: [
        ...userSays(QUESTION),
        request,
        { type: "mcp_approval_response", approval_request_id: "mcpr_1", approve: false },
      ],
      background: true,
      stream: true,
    });
    advance(60_000);
    const items = doneItems((await readStored(response)).frames);
    expect(items.map((item) => item.type)).toEqual(["message"]);
    expect(JSON.stringify(items[0])).toContain("because you denied it");
  });
});
