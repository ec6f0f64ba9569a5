// Deterministic answer texts. Every text depends on the question so two turns never look alike, and on
// nothing else so a test can predict it.

import { countWords } from "./input";
import { seededRandom } from "./random";

/** The question on one line, cut to a readable length, for quoting. */
export function quote(question: string, max = 240): string {
  const line = question.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Up to three distinct longer words of the question, as a hint that the answer "read" it. */
function keyTerms(question: string): string[] {
  const words = question.toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? [];
  return [...new Set(words)].slice(0, 3);
}

export function plainAnswer(question: string, turn: number): string {
  const terms = keyTerms(question);
  const termsLine =
    terms.length > 0
      ? `the key terms look like ${terms.map((t) => `*${t}*`).join(", ")}`
      : "it has no key terms";
  return [
    `You asked: "${quote(question)}"`,
    "",
    `Here is a **short emulated answer** for turn ${turn} of this conversation:`,
    "",
    `- Your question has ${countWords(question)} words; ${termsLine}.`,
    "- A real agent would consult its tools here; the emulator answers from a template instead.",
    '- Ask for a "long report", a "multi-step data analysis", or say "fail" to see the other scenarios.',
    "",
    "No model was called to write this reply.",
  ].join("\n");
}

export function instantAnswer(question: string, turn: number): string {
  return [
    `You asked: "${quote(question)}"`,
    "",
    `**Instant answer** (turn ${turn}): this response was already \`completed\` when it was created,`,
    "so there was nothing to poll.",
    "",
    "- status on create: `completed`",
    "- polls needed: none",
  ].join("\n");
}

/** The answer as it stands when the output budget runs out: it stops mid-sentence, as a real model does. */
export function truncatedAnswer(question: string): string {
  return [
    `You asked: "${quote(question)}"`,
    "",
    "Here is the **detailed answer**, which will not fit in the output budget:",
    "",
    "- First, the background run is accepted and queued.",
    "- Then the agent starts writing and the text grows with every poll.",
    "- Finally the token budget runs out before the answer is done, so the response ends `incomplete`",
    "  with `incomplete_details.reason` set to `max_output_tokens` and the last message cut short,",
    "  exactly the way a real model stops when it reaches its limit in the middle of a sentence about",
  ].join("\n");
}

export function failingAnswer(question: string): string {
  return [
    `You asked: "${quote(question)}"`,
    "",
    "Let me look this up in the **sales data source**. I am querying the warehouse now and will summarise",
    "the results as soon as the query returns; this usually takes a few seconds for a question like yours.",
  ].join("\n");
}

export function failingReasoning(question: string): string {
  return `**Planning.** The question "${quote(question, 80)}" needs the sales data source, so I will query it first.`;
}

// --- the 6,000-word report ----------------------------------------------------------------------------------

const LONG_REPORT_WORDS = 6_000;

const HEADINGS = [
  "Context",
  "What the data shows",
  "Drivers behind the numbers",
  "Regional differences",
  "Customers and channels",
  "Costs and margins",
  "Risks",
  "Options we considered",
  "Recommendation",
  "Implementation plan",
  "Measuring success",
  "Open questions",
  "Appendix: method",
  "Appendix: glossary",
];
const OPENERS = [
  "",
  "",
  "",
  "In practice, ",
  "At the same time, ",
  "More importantly, ",
  "Over the period, ",
];
const SUBJECTS = [
  "the regional sales team",
  "our data platform",
  "the quarterly forecast",
  "each product line",
  "the supply chain",
  "customer retention",
  "the analytics group",
  "operating margin",
  "the pricing committee",
  "warehouse throughput",
  "the partner channel",
  "the support organisation",
];
const VERBS = [
  "reshaped",
  "improved",
  "constrained",
  "clarified",
  "accelerated",
  "complicated",
  "stabilised",
  "exposed",
  "lifted",
  "held back",
];
const OBJECTS = [
  "the way we plan inventory for the busy season",
  "our view of seasonal demand across the year",
  "the cost of serving small accounts in remote regions",
  "the speed at which new products reach customers",
  "how quickly the team can answer routine questions",
  "the share of revenue that comes from repeat buyers",
  "the accuracy of the monthly planning cycle",
  "the balance between growth and profitability",
];
const CLAUSES = [
  "as the figures in the appendix show",
  "although the effect varied by region",
  "which matters for next year's plan",
  "once one-off items are removed from the comparison",
  "even though the underlying trend looks steady",
  "and the pattern held in every month we checked",
  "which several stakeholders raised independently",
  "so the finding deserves a closer look",
];

/** FNV-1a, 32 bits. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function pick<T>(random: () => number, list: readonly T[]): T {
  const item = list[Math.floor(random() * list.length)];
  if (item === undefined) throw new Error("pick() from an empty list");
  return item;
}

function sentence(random: () => number): string {
  const opener = pick(random, OPENERS);
  const subject = pick(random, SUBJECTS);
  const text = `${opener}${subject} ${pick(random, VERBS)} ${pick(random, OBJECTS)}, ${pick(random, CLAUSES)}.`;
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** About 6,000 words of markdown: a title, an introduction, then headed sections of generated paragraphs. */
export function longReport(question: string): string {
  const random = seededRandom(hashText(question));
  const blocks = [
    `# Report: ${quote(question, 80)}`,
    `You asked: "${quote(question)}". What follows is a **long, emulated report**: deterministic prose generated ` +
      "by the Supervisor API emulator so the app can be tested with a large answer that grows while it is written.",
  ];
  let words = blocks.reduce((sum, block) => sum + countWords(block), 0);
  let section = 0;
  while (words < LONG_REPORT_WORDS) {
    const heading = `## ${section + 1}. ${HEADINGS[section % HEADINGS.length]}`;
    blocks.push(heading);
    words += countWords(heading);
    for (let p = 0; p < 4 && words < LONG_REPORT_WORDS; p++) {
      const sentences = Array.from({ length: 6 + Math.floor(random() * 3) }, () => sentence(random));
      // A bold phrase now and then, so the markdown renderer has something to do.
      if (p === 1) sentences[0] = `**Key point:** ${sentences[0]}`;
      const paragraph = sentences.join(" ");
      blocks.push(paragraph);
      words += countWords(paragraph);
    }
    section++;
  }
  return blocks.join("\n\n");
}
