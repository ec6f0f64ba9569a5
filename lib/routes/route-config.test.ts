import { describe, expect, it } from "vitest";
import { CHAT_ROUTE_MAX_DURATION_S, DEFAULT_STREAM_BUDGET_MS } from "@/lib/supervisor/config";
import { config as streamRoute } from "@/pages/api/chat/[id]/stream";
import { config as startRoute } from "@/pages/api/chat/index";

describe("the streaming routes' time limit (Vercel's maxDuration)", () => {
  it("is the one the stream budget is derived from, on every route that streams a run", () => {
    // Next reads `maxDuration` from each route file as a literal; the budget must follow any change to it.
    expect(startRoute.maxDuration).toBe(CHAT_ROUTE_MAX_DURATION_S);
    expect(streamRoute.maxDuration).toBe(CHAT_ROUTE_MAX_DURATION_S);
    expect(DEFAULT_STREAM_BUDGET_MS).toBe((CHAT_ROUTE_MAX_DURATION_S - 10) * 1000);
  });

  it("lets Next finish with the request while the stream goes on, and leaves the body to the handler", () => {
    for (const route of [startRoute, streamRoute]) {
      expect(route.api).toEqual({ bodyParser: false, externalResolver: true });
    }
  });
});
