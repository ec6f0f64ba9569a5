import { describe, expect, it } from "vitest";
import { checkTitle, parseChatListQuery } from "@/lib/shared/chat-list";
import { containsIgnoringCase, escapeLike, snippetAround } from "./search-text";

describe("escapeLike", () => {
  it("escapes LIKE's wildcards and its escape character, nothing else", () => {
    expect(escapeLike("50%_off\\now")).toBe("50\\%\\_off\\\\now");
    expect(escapeLike("plain words")).toBe("plain words");
  });
});

describe("snippetAround", () => {
  const text = `${"intro ".repeat(20)}the Zanzibar figures\nare here ${"outro ".repeat(20)}`;

  it("shows the match with some words each side on one line, marked where cut", () => {
    const snippet = snippetAround(text, "zanzibar", 12);
    expect(snippet).toBe("…intro the Zanzibar figures are…");
  });

  it("needs no marks for a short text, and falls back to the start when the match is not found", () => {
    expect(snippetAround("Short answer", "answer")).toBe("Short answer");
    expect(snippetAround("Nothing here at all", "zzz", 10)).toBe("Nothing…");
  });

  it("leaves out markdown's emphasis and code marks", () => {
    expect(snippetAround("Here is a **short emulated answer** with `code`", "emulated")).toBe(
      "Here is a short emulated answer with code",
    );
  });

  it("matches ignoring case", () => {
    expect(containsIgnoringCase("The ALPHA plan", "alpha")).toBe(true);
    expect(containsIgnoringCase("The plan", "alpha")).toBe(false);
  });
});

describe("the sidebar's input rules", () => {
  it("tidies a title to one trimmed line and refuses an empty or too long one", () => {
    expect(checkTitle("  Q2\n\tsales  ")).toEqual({ ok: true, title: "Q2 sales" });
    expect(checkTitle(" \n ")).toEqual({ ok: false, message: "The title cannot be empty." });
    expect(checkTitle("x".repeat(201))).toEqual({
      ok: false,
      message: "The title is longer than 200 characters.",
    });
    expect(checkTitle("x".repeat(200))).toMatchObject({ ok: true });
  });

  it("takes an optional, trimmed q and nothing else", () => {
    expect(parseChatListQuery(new URLSearchParams("q=%20sales%20")).data).toEqual({ q: "sales" });
    expect(parseChatListQuery(new URLSearchParams("")).data).toEqual({});
    expect(parseChatListQuery(new URLSearchParams("q=a&q=b")).success).toBe(false);
    expect(parseChatListQuery(new URLSearchParams("sort=new")).success).toBe(false);
    expect(parseChatListQuery(new URLSearchParams(`q=${"a".repeat(201)}`)).success).toBe(false);
  });
});
