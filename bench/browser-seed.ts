// A long chat for the browser bench, written straight into a PGlite directory before the server opens it: 100
// user/assistant pairs whose answers look like the emulator's multi-step run (reasoning, two hosted tool cards
// with a Genie table, a markdown answer). Its owner is a session minted with the server's SESSION_SECRET, so the
// bench's browser (with that cookie) is the person the chat belongs to.

import { randomBytes } from "node:crypto";
import { analyseSales, analysisAnswer, analysisPlan, salesTable, trendsSummary } from "@/emulator/genie";
import { newSessionValue, SESSION_COOKIE } from "@/lib/auth/session-cookie";
import { userMessageItem } from "@/lib/background";
import { openChatStore, openPglite } from "@/lib/db";
import type { ChatMessage } from "@/lib/shared/chat";

export const LONG_CHAT_ID = "bench-long-chat";

export interface BenchSession {
  secret: string;
  cookie: { name: string; value: string };
  ownerId: string;
}

/** A SESSION_SECRET for the bench's servers and a session cookie signed with it. */
export function mintSession(): BenchSession {
  const secret = randomBytes(32).toString("base64url");
  const { uid, value } = newSessionValue(secret);
  return { secret, cookie: { name: SESSION_COOKIE, value }, ownerId: `anon:${uid}` };
}

const QUESTIONS = [
  "Analyze Q2 sales by region with the Genie space.",
  "Compare the first and third quarter in the west region.",
  "Which region grew fastest between Q3 and Q4?",
  "Analyze the data for the north and south regions in Q1.",
];

function assistantMessage(turn: number, question: string): ChatMessage {
  const sales = analyseSales(question);
  const started = Date.UTC(2026, 10, 24, 9, 0, 0) + turn * 60_000;
  const tool = (name: string, input: unknown, output: string, atMs: number) => ({
    type: "dynamic-tool" as const,
    toolName: name,
    toolCallId: `call-${turn}-${name}`,
    state: "output-available" as const,
    input,
    output,
    providerExecuted: true,
    toolMetadata: { kind: "hosted", startedAt: started + atMs, finishedAt: started + atMs + 4_500 },
  });
  return {
    id: `bench-a${turn}`,
    role: "assistant",
    parts: [
      { type: "step-start" },
      { type: "reasoning", text: analysisPlan(question, sales), state: "done" },
      tool("query_sales_genie", { question }, salesTable(sales), 2_000),
      tool(
        "summarize_trends",
        { metric: "growth_pct", rows: sales.rows.length },
        trendsSummary(sales),
        9_000,
      ),
      { type: "text", text: analysisAnswer(question, sales), state: "done" },
    ],
  };
}

/**
 * Write the chat `LONG_CHAT_ID` with `pairs` question/answer pairs into the PGlite directory `dir` (which the
 * server must not have open: PGlite is single-process).
 */
export async function seedLongChat(dir: string, ownerId: string, pairs: number): Promise<void> {
  const { store, database } = await openChatStore(() => openPglite(dir));
  try {
    for (let turn = 0; turn < pairs; turn++) {
      const question = `${QUESTIONS[turn % QUESTIONS.length]} (turn ${turn + 1})`;
      const runId = `bench-a${turn}`;
      await store.beginTurn(
        LONG_CHAT_ID,
        runId,
        () => ({
          message: { id: `bench-u${turn}`, role: "user", parts: [{ type: "text", text: question }] },
          items: [userMessageItem(question)],
        }),
        { create: turn === 0, owner: { id: ownerId } },
      );
      await store.finishRun(LONG_CHAT_ID, runId, "completed", assistantMessage(turn, question));
    }
  } finally {
    await database.close();
  }
}
