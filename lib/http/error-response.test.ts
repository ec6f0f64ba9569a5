import { describe, expect, it, vi } from "vitest";
import { NotSignedInError } from "@/lib/auth/request";
import { ChatRefusal } from "@/lib/chat/errors";
import { ChatBusyError, ChatNotFoundError, RUN_LIMIT_WINDOW_MS, RunLimitError } from "@/lib/db/chat-store";
import { ApiError, errorResponse } from "./errors";

/** An error made by another copy of the store module (two bundle chunks): same name, different class. */
const foreign = (name: string, message: string) => Object.assign(new Error(message), { name });

describe("errorResponse", () => {
  it("maps the store's refusals to 404 and 409 JSON, also when thrown by another copy of the module", async () => {
    for (const err of [new ChatNotFoundError(), foreign("ChatNotFoundError", "There is no such chat.")]) {
      const response = errorResponse(err);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: { code: "not_found", message: "There is no such chat." },
      });
    }
    for (const err of [new ChatBusyError(), foreign("ChatBusyError", "busy")]) {
      expect(errorResponse(err).status).toBe(409);
    }
    expect(errorResponse(new ApiError("forbidden", "No.")).status).toBe(403);
  });

  it("maps lib/chat's refusals and a missing sign-in to 400, 404, 409 and 401", async () => {
    const cases: Array<[Error, number, string]> = [
      [new ChatRefusal("invalid", "There is no question to answer again."), 400, "bad_request"],
      [new ChatRefusal("missing", "There is no such message in this chat."), 404, "not_found"],
      [new ChatRefusal("conflict", "There is nothing to retry."), 409, "conflict"],
      [Object.assign(foreign("ChatRefusal", "From another copy."), { kind: "conflict" }), 409, "conflict"],
      [new NotSignedInError(), 401, "unauthorized"],
    ];
    for (const [err, status, code] of cases) {
      const response = errorResponse(err);
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it("answers a limit of the person's with a 429 that says which, and when to ask again for the daily one", async () => {
    const going = errorResponse(new RunLimitError("in_flight", 3));
    expect(going.status).toBe(429);
    expect(going.headers.get("retry-after")).toBeNull();
    expect(await going.json()).toEqual({
      error: {
        code: "rate_limited",
        message:
          "You have 3 runs going already, the most you may have at once. Wait for one to finish, or stop one, then send again.",
      },
    });
    const firstStarted = Date.UTC(2026, 11, 7, 9, 30) - RUN_LIMIT_WINDOW_MS;
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 7, 8, 30) });
    try {
      const daily = errorResponse(new RunLimitError("per_day", 50, firstStarted + RUN_LIMIT_WINDOW_MS));
      expect(daily.status).toBe(429);
      expect(daily.headers.get("retry-after")).toBe("3600");
      expect(((await daily.json()) as { error: { message: string } }).error.message).toBe(
        "You have started 50 runs in the last 24 hours, the most allowed. The next one frees up at 09:30 UTC.",
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers anything it does not know with a 500 in the same shape, the details only in the log", async () => {
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = errorResponse(new TypeError("boom at /secret/path"), "GET /api/chats");
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      error: { code: "internal_error", message: "The server could not handle this request." },
    });
    expect(logged).toHaveBeenCalledWith("GET /api/chats:", "boom at /secret/path");
    logged.mockRestore();
  });
});
