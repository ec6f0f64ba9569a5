import bash from "highlight.js/lib/languages/bash";
import css from "highlight.js/lib/languages/css";
import diff from "highlight.js/lib/languages/diff";
import javascript from "highlight.js/lib/languages/javascript";
import json from "highlight.js/lib/languages/json";
import python from "highlight.js/lib/languages/python";
import sql from "highlight.js/lib/languages/sql";
import typescript from "highlight.js/lib/languages/typescript";
import xml from "highlight.js/lib/languages/xml";
import yaml from "highlight.js/lib/languages/yaml";

/**
 * The languages code blocks are highlighted in: the ones agents answer with most. A short list on purpose,
 * since every grammar ships to the browser; a fence in any other language shows as plain code.
 */
export const CODE_LANGUAGES = { bash, css, diff, javascript, json, python, sql, typescript, xml, yaml };

/** The label a code block shows for the `language-…` class of its fence (model output: short, plain text). */
export function codeLanguage(className: unknown): string | undefined {
  const classes = Array.isArray(className)
    ? className
    : typeof className === "string"
      ? className.split(" ")
      : [];
  for (const name of classes) {
    if (typeof name === "string" && name.startsWith("language-")) {
      const language = name.slice("language-".length);
      if (language) return language.length > 24 ? `${language.slice(0, 23)}…` : language;
    }
  }
  return undefined;
}
