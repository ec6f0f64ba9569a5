import { describe, expect, it } from "vitest";
import { nextIsland } from "./markdown-island";

describe("which island becomes live next", () => {
  it("is the last on the page: the end of the chat is what the reader sees", () => {
    expect(nextIsland(["first", "second", "last"], () => false)).toBe(2);
  });

  it("skips one that holds the reader's focus or selection", () => {
    expect(nextIsland(["first", "second", "last"], (island) => island === "last")).toBe(1);
  });

  it("is none while every one is in use, or none is waiting", () => {
    expect(nextIsland(["first", "last"], () => true)).toBe(-1);
    expect(nextIsland([], () => false)).toBe(-1);
  });
});
