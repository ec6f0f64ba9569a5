import { describe, expect, it } from "vitest";
import { otherMethods } from "./methods";

describe("otherMethods", () => {
  it("refuses a method a route does not serve with a readable JSON 405 and an Allow header", async () => {
    const { PUT } = otherMethods("GET", "DELETE");
    const response = PUT();
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, DELETE");
    expect(await response.json()).toEqual({
      error: { code: "method_not_allowed", message: "This endpoint takes GET or DELETE only." },
    });
  });
});
