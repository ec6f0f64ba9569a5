import { describe, expect, it } from "vitest";
import { readableError, refusedBeforeStoring } from "./readable-error";

const routeError = (code: string, message = "Why.") =>
  new Error(JSON.stringify({ error: { code, message } }));

describe("route errors as the chat shows them", () => {
  it("shows the server's sentence, not its JSON", () => {
    expect(readableError(routeError("rate_limited", "You have 3 runs going already."))).toBe(
      "You have 3 runs going already.",
    );
    expect(readableError(new Error("fetch failed"))).toBe("fetch failed");
  });

  it("hands a message back only when the server refused it before storing anything", () => {
    expect(refusedBeforeStoring(routeError("rate_limited"))).toBe(true);
    expect(refusedBeforeStoring(routeError("conflict"))).toBe(true);
    expect(refusedBeforeStoring(routeError("unauthorized"))).toBe(true);
    // A failure may have come after the message was stored: it stays in the transcript.
    expect(refusedBeforeStoring(routeError("internal_error"))).toBe(false);
    expect(refusedBeforeStoring(routeError("upstream_unavailable"))).toBe(false);
    expect(refusedBeforeStoring(new Error("fetch failed"))).toBe(false);
  });
});
