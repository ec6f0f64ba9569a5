import { describe, expect, it } from "vitest";
import { ChatBusyError, ChatNotFoundError } from "@/lib/db/chat-store";
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

  it("rethrows anything it does not know, so it surfaces as a logged 500", () => {
    expect(() => errorResponse(new TypeError("boom"))).toThrow("boom");
  });
});
