import { describe, expect, it } from "vitest";
import {
  ANSWER_START_MARGIN_PX,
  FOLLOW_SLACK_PX,
  followsAfterScroll,
  followTarget,
  isAtBottom,
} from "./follow-bottom";

describe("isAtBottom", () => {
  const page = { scrollHeight: 5000, clientHeight: 800 };

  it("is true at the very bottom and within the slack above it", () => {
    expect(isAtBottom({ ...page, scrollTop: 4200 })).toBe(true);
    expect(isAtBottom({ ...page, scrollTop: 4200 - FOLLOW_SLACK_PX })).toBe(true);
  });

  it("is false once the reader has scrolled further up than the slack", () => {
    expect(isAtBottom({ ...page, scrollTop: 4200 - FOLLOW_SLACK_PX - 1 })).toBe(false);
    expect(isAtBottom({ ...page, scrollTop: 0 })).toBe(false);
  });

  it("is true when everything fits (nothing to scroll)", () => {
    expect(isAtBottom({ scrollHeight: 600, clientHeight: 800, scrollTop: 0 })).toBe(true);
  });

  it("is true past the bottom (an elastic overscroll)", () => {
    expect(isAtBottom({ ...page, scrollTop: 4300 })).toBe(true);
  });
});

describe("followsAfterScroll", () => {
  it("keeps following when the content grew under a view we had pinned to the bottom", () => {
    // Pinned at 4200; before the scroll event was handled, 2,000 px of answer arrived.
    expect(followsAfterScroll({ scrollTop: 4200, scrollHeight: 7000, clientHeight: 800 }, 4200)).toBe(true);
  });

  it("stops following when the reader moved up from where the view was pinned", () => {
    expect(followsAfterScroll({ scrollTop: 3000, scrollHeight: 5000, clientHeight: 800 }, 4200)).toBe(false);
  });

  it("keeps following when the content shrank and the view was clamped to the new bottom", () => {
    expect(followsAfterScroll({ scrollTop: 3200, scrollHeight: 4000, clientHeight: 800 }, 4200)).toBe(true);
  });
});

describe("followTarget", () => {
  const view = { clientHeight: 800 };

  it("follows to the bottom when no answer is being written", () => {
    expect(followTarget({ ...view, scrollHeight: 3000 }, undefined)).toEqual({
      scrollTop: 2200,
      following: true,
    });
  });

  it("follows a short answer to its end while its start stays in view", () => {
    // The answer starts at 2600: at the bottom (2400) its first line is still on screen.
    expect(followTarget({ ...view, scrollHeight: 3200 }, 2600)).toEqual({ scrollTop: 2400, following: true });
  });

  it("stops with a long answer's start at the top, and stops following", () => {
    expect(followTarget({ ...view, scrollHeight: 9000 }, 2600)).toEqual({
      scrollTop: 2600 - ANSWER_START_MARGIN_PX,
      following: false,
    });
  });

  it("never goes above the top of the conversation", () => {
    expect(followTarget({ ...view, scrollHeight: 9000 }, 4).scrollTop).toBe(0);
  });
});
