// The tools the emulated agent knows: MCP servers that need approval, the client-side function tools it
// may ask the app to run, and what an approved MCP call "returns". Everything is derived from the question
// or the arguments, so a test can predict it.

import { hashText, quote } from "./prose";
import type { JsonObject } from "./types";

export const WEB_SEARCH = { server: "web-search", tool: "search_web" } as const;
export const JIRA = { server: "jira", tool: "create_ticket" } as const;
export const MAIL = { server: "mail", tool: "send_email" } as const;

/** The `mcp_list_tools` entry of the web-search server. */
export const SEARCH_WEB_TOOL: JsonObject = {
  name: WEB_SEARCH.tool,
  description: "Search the public web and return the top results with their links.",
  input_schema: {
    type: "object",
    properties: { query: { type: "string", description: "What to search for." } },
    required: ["query"],
  },
};

/** What to search for: the words after "search (the web) for" or "look up", else the whole question. */
export function searchQuery(question: string): string {
  const match =
    /\b(?:search|look\s+up|find)\b(?:\s+(?:the\s+)?(?:web|internet|online))?(?:\s+(?:for|about|on))?\s+(.+)/i.exec(
      question,
    );
  return trimSentence(match?.[1] ?? question) || "the latest news";
}

/** The subject of "… about X", else the question, for ticket titles and email subjects. */
function topicOf(question: string): string {
  const match = /\babout\s+(.+)/i.exec(question);
  return trimSentence(match?.[1] ?? question);
}

function trimSentence(text: string): string {
  return quote(text, 120).replace(/[\s.?!]+$/, "");
}

export function ticketArguments(question: string): JsonObject {
  const topic = topicOf(question);
  const title = topic.replace(/^(?:the|a|an)\s+/i, "");
  return {
    project: "OPS",
    title: title.charAt(0).toUpperCase() + title.slice(1),
    priority: /\b(?:outage|urgent|down|incident|broken)\b/i.test(question) ? "high" : "medium",
    description: `Opened from the chat: "${quote(question)}"`,
  };
}

export function emailArguments(question: string): JsonObject {
  const topic = topicOf(question);
  const to = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/.exec(question)?.[0] ?? "team@example.com";
  return {
    to,
    subject: `Update: ${topic}`,
    body: `Hi team,\n\nA quick note about ${topic}. I will keep you posted as things develop.\n\nThe agent`,
  };
}

/** What an approved MCP call returns: a deterministic text per tool, a generic one for anything else. */
export function mcpCallResult(name: string, args: JsonObject): string {
  const text = (key: string, fallback: string): string =>
    typeof args[key] === "string" && args[key] ? (args[key] as string) : fallback;
  switch (name) {
    case WEB_SEARCH.tool: {
      const query = text("query", "the latest news");
      const slug =
        query
          .toLowerCase()
          .replace(/[^\p{L}\p{N}]+/gu, "-")
          .replace(/^-|-$/g, "") || "results";
      const title = query.charAt(0).toUpperCase() + query.slice(1);
      return [
        `Top 3 results for "${query}":`,
        `1. ${title}: what changed this quarter — https://news.example.com/${slug}`,
        `2. A practical guide to ${query} — https://docs.example.org/guides/${slug}`,
        `3. ${title} explained in five minutes — https://blog.example.net/${slug}`,
      ].join("\n");
    }
    case JIRA.tool: {
      const key = `${text("project", "OPS")}-${1_000 + (hashText(JSON.stringify(args)) % 9_000)}`;
      return `Created ticket ${key}: "${text("title", "Untitled")}" (priority ${text("priority", "medium")}).`;
    }
    case MAIL.tool:
      return `Email sent to ${text("to", "team@example.com")} with the subject "${text("subject", "(none)")}".`;
    default:
      return `${name} ran with the arguments ${JSON.stringify(args)}.`;
  }
}

/**
 * What the agent's answer says about an approved MCP call, after the call's card (which shows the whole output):
 * what it found or did, in a sentence, as an agent would sum it up rather than print it again.
 */
export function mcpCallSummary(name: string, server: string, args: JsonObject, output: string): string {
  const ran = `I ran \`${name}\` on \`${server}\``;
  if (name === WEB_SEARCH.tool) {
    const first = output
      .split("\n")[1]
      ?.replace(/^1\.\s*/, "")
      .split(" — ")[0];
    const query = typeof args.query === "string" && args.query ? args.query : "your question";
    return `${ran}: it found three pages about "${query}" (listed in its card above). The most relevant is the first, *${first ?? "the top result"}*; tell me if you want me to read it.`;
  }
  // One line of outcome (a ticket created, an e-mail sent): said once, as the result of the step.
  if (!output.includes("\n") && output.length <= 200) return `${ran}. ${output}`;
  return `${ran}; its output is in the card above.`;
}

// --- client-side function tools ------------------------------------------------------------------------------

export const TIME_TOOL = "get_current_time";
export const CALCULATE_TOOL = "calculate";

const CITY_ZONES: ReadonlyArray<[RegExp, string]> = [
  [/\btokyo\b/i, "Asia/Tokyo"],
  [/\blondon\b/i, "Europe/London"],
  [/\bnew york\b|\bnyc\b/i, "America/New_York"],
  [/\bparis\b/i, "Europe/Paris"],
  [/\bsydney\b/i, "Australia/Sydney"],
  [/\bberlin\b/i, "Europe/Berlin"],
  [/\bsingapore\b/i, "Asia/Singapore"],
  [/\bsan francisco\b|\blos angeles\b/i, "America/Los_Angeles"],
];

/** The IANA zone of the first city the question names; UTC when it names none the emulator knows. */
export function timezoneFor(question: string): string {
  return CITY_ZONES.find(([city]) => city.test(question))?.[1] ?? "UTC";
}

/** The longest run of arithmetic characters that holds a digit: "Please calculate 17 * 23 + 4" → "17 * 23 + 4". */
export function expressionIn(question: string): string | undefined {
  const runs = (question.match(/[0-9\s+\-*/%^().]+/g) ?? [])
    // A sentence's closing period is not part of the arithmetic.
    .map((run) => run.trim().replace(/[\s.]+$/, ""))
    .filter((run) => /\d/.test(run));
  return runs.reduce<string | undefined>(
    (best, run) => (run.length > (best?.length ?? 0) ? run : best),
    undefined,
  );
}

/** Function tool names a request offers: `{type: "function", name}` or the nested `{function: {name}}` form. */
export function offeredFunctions(tools: readonly JsonObject[]): Set<string> {
  const names = new Set<string>();
  for (const tool of tools) {
    if (tool.type !== "function") continue;
    const nested = typeof tool.function === "object" && tool.function !== null ? tool.function : {};
    const name = tool.name ?? (nested as JsonObject).name;
    if (typeof name === "string") names.add(name);
  }
  return names;
}
