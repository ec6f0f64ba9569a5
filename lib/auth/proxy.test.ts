import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { describe, expect, it } from "vitest";
import { config } from "@/proxy";

const runsFor = (url: string) => unstable_doesMiddlewareMatch({ config, url });

describe("where the proxy runs", () => {
  it("runs in front of the pages and every route but POST /api/chat's path", () => {
    expect(runsFor("/")).toBe(true);
    expect(runsFor("/chat/abc")).toBe(true);
    expect(runsFor("/api/chats")).toBe(true);
    expect(runsFor("/api/chat/abc/stream")).toBe(true);
    expect(runsFor("/api/chat/abc/cancel")).toBe(true);
    expect(runsFor("/api/chatter")).toBe(true);
  });

  it("leaves out /api/chat (the route refuses cross-site requests and starts sessions itself) and static files", () => {
    expect(runsFor("/api/chat")).toBe(false);
    expect(runsFor("/_next/static/chunks/app.js")).toBe(false);
    expect(runsFor("/favicon.ico")).toBe(false);
  });
});
