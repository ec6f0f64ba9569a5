// The soak's printed table (markdown, so it can go into RELIABILITY.md as it is).

import type { FaultStats } from "@/emulator";
import { type Finding, itemCount } from "./count";
import type { StreamTally } from "./streams";

export interface SoakReport {
  command: string;
  options: {
    flavor: "databricks" | "databricks-agent";
    /** databricks-agent only. */
    streamCutMs?: number;
    crashRate?: number;
    crashPauseMs?: number;
    chats: number;
    turns: number;
    faults: number;
    seed: number;
    timeScale: number;
    streamBudgetMs: number;
    pollMs: number;
    latency: { minMs: number; maxMs: number };
    slowMs: number;
    keepAliveMs: number;
    /** App instances behind the soak's load balancing (several: on one PostgreSQL database). */
    instances: number;
    /** When the first instance was killed (SIGKILL), in ms after the chats began; absent: none was. */
    killAfterMs?: number;
    /** The share of turns whose browser left at once (the server follows those runs). */
    leave: number;
  };
  turns: number;
  completed: number;
  unfinished: Array<{ where: string; reason: string }>;
  /**
   * Turns whose create went out from the instance killed before its answer was stored: not sent again (it could
   * run the step twice), the run ended saying so. Not failures; their lost response is not counted.
   */
  interrupted: Array<{ where: string; reason: string }>;
  lost: Array<{ where: string; finding: Finding }>;
  duplicated: Array<{ where: string; finding: Finding }>;
  storedLost: Array<{ where: string; finding: Finding }>;
  storedDuplicated: Array<{ where: string; finding: Finding }>;
  /** Discarded text parts holding a finished upstream message's whole text (an answer set aside). */
  discardedFinished: Array<{ where: string; finding: Finding }>;
  /** Turns with a `restarted` draft but no crashed run. */
  strayDrafts: string[];
  /** Parts of the browser's final messages no upstream item accounts for (not failures; `--verbose` lists them). */
  unaccounted: number;
  /** Turns whose number of upstream responses differs from the scenario's (a second run for one turn, or none). */
  extraResponses: Array<{ where: string; expected: number; actual: number }>;
  reconnects: number;
  approvals: number;
  /** Turns left by their browser at once, and requests that found their instance gone and went to another. */
  leftTurns: number;
  failovers: number;
  /** Questions asked again because their request broke (its instance died) before the app stored them. */
  resent: number;
  /** Questions asked again after a 409 (the chat's previous run still open: its instance died as it ended). */
  waitedForPrevious: number;
  /** Upstream output items (and app tool outputs) checked against the messages. */
  itemsChecked: number;
  upstreamResponses: number;
  faults: FaultStats;
  /** databricks-agent: how the emulator's event streams ended. */
  streams?: StreamTally;
  /**
   * databricks-agent: runs a second worker took over, and the drafts set aside in the browser's final messages
   * (`restarted`, `moved`) and in the stored ones.
   */
  crashes?: { runs: number; restartedDrafts: number; movedDrafts: number; storedDrafts: number };
  memory: { startRssMiB: number; treeRssMiB: number; mainHwmMiB: number; processes: number };
  durationMs: number;
}

const LIST_LIMIT = 20;

function details(title: string, lines: string[]): string[] {
  if (lines.length === 0) return [];
  const shown = lines.slice(0, LIST_LIMIT);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
  return ["", `${title}:`, ...shown.map((line) => `  - ${line}`)];
}

function describeFindings(entries: Array<{ where: string; finding: Finding }>): string[] {
  return entries.map(
    ({ where, finding }) =>
      `${where}: ${finding.key.slice(0, 80)} (expected ${finding.expected}, got ${finding.actual}; ${finding.source})`,
  );
}

export function formatReport(report: SoakReport): string {
  const o = report.options;
  const { injected, requests } = report.faults;
  const totalFaults = Object.values(injected).reduce((sum, n) => sum + n, 0);
  const faultList =
    Object.entries(injected)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([kind, n]) => `${kind.replace(/^retrieve:/, "")} ${n}`)
      .join(", ") || "none";
  const rows: Array<[string, string]> = [
    [
      "chats × turns",
      `${o.chats} × ${o.turns} (${report.turns} turns, ${report.approvals} approvals answered)`,
    ],
    ["runs completed", `${report.completed} / ${report.turns}`],
    ...(o.killAfterMs !== undefined
      ? ([
          ["runs interrupted by the kill (create sent, never sent twice)", String(report.interrupted.length)],
        ] as Array<[string, string]>)
      : []),
    ...(o.leave > 0
      ? ([["turns nobody watched (the server followed them)", String(report.leftTurns)]] as Array<
          [string, string]
        >)
      : []),
    ["upstream items checked", String(report.itemsChecked)],
    ["items lost (streams)", String(itemCount(report.lost.map((l) => l.finding)))],
    ["items duplicated (streams)", String(itemCount(report.duplicated.map((d) => d.finding)))],
    ["items lost (stored)", String(itemCount(report.storedLost.map((l) => l.finding)))],
    ["items duplicated (stored)", String(itemCount(report.storedDuplicated.map((d) => d.finding)))],
    ["turns with a wrong number of upstream runs", String(report.extraResponses.length)],
    ...(report.crashes
      ? ([
          ["drafts holding a finished item's text", String(report.discardedFinished.length)],
          ["restarted drafts without a crash", String(report.strayDrafts.length)],
        ] as Array<[string, string]>)
      : []),
    ["parts no upstream item accounts for", String(report.unaccounted)],
    ["reconnects", String(report.reconnects)],
    ...(o.instances > 1
      ? ([
          [
            "instances",
            `${o.instances} on one PostgreSQL database; ${o.killAfterMs !== undefined ? `the first killed ${o.killAfterMs} ms in` : "none killed"}; ${report.failovers} requests went to another instance; ${report.resent} questions asked again (their request broke before the app stored them), ${report.waitedForPrevious} after a 409 (the previous run still open)`,
          ],
        ] as Array<[string, string]>)
      : []),
    [
      "upstream requests",
      `create ${requests.create}, retrieve ${requests.retrieve}, cancel ${requests.cancel} (${report.upstreamResponses} responses)`,
    ],
    ...(report.streams
      ? ([
          [
            "upstream event streams",
            `${report.streams.opened.create + report.streams.opened.resume} opened (create ${report.streams.opened.create}, resume ${report.streams.opened.resume}): ended by the run ${report.streams.ended}, cut after ${o.streamCutMs ? `${o.streamCutMs} ms` : "a time (off)"} ${report.streams.cutByTime}, cut by a fault ${report.streams.cutByFault}, closed by the app ${report.streams.closedByClient}`,
          ],
          [
            "polls (a stream could not be re-opened)",
            `${report.streams.polls} retrieves without a stream, on ${report.streams.polledRuns} runs`,
          ],
        ] as Array<[string, string]>)
      : []),
    ...(report.crashes
      ? ([
          [
            "crashes",
            `${report.crashes.runs} runs taken over by a second worker; drafts set aside: ${report.crashes.restartedDrafts} restarted, ${report.crashes.movedDrafts} moved (${report.crashes.storedDrafts} in the stored messages)`,
          ],
        ] as Array<[string, string]>)
      : []),
    [
      "faults injected",
      `${totalFaults} (${requests.retrieve ? ((100 * totalFaults) / requests.retrieve).toFixed(1) : "0"}% of retrieves): ${faultList}`,
    ],
    [
      "peak RSS of the app",
      `${report.memory.treeRssMiB.toFixed(0)} MiB (sampled VmRSS of ${report.memory.processes} process(es); ${report.memory.startRssMiB.toFixed(0)} MiB when ready); VmHWM ${report.memory.mainHwmMiB.toFixed(0)} MiB`,
    ],
    ["duration", `${(report.durationMs / 1000).toFixed(1)} s`],
  ];
  const agent =
    o.flavor === "databricks-agent"
      ? `, stream cut ${o.streamCutMs ? `after ${o.streamCutMs} ms` : "never"}, crash rate ${o.crashRate}, crash pause ${o.crashPauseMs} ms`
      : "";
  const settings =
    `flavor ${o.flavor}${agent}, retrieve faults ${(o.faults * 100).toFixed(0)}% spread evenly over 503/429/reset/malformed/slow, seed ${o.seed}, ` +
    `latency ${o.latency.minMs}-${o.latency.maxMs} ms, slow ${o.slowMs} ms, time scale ${o.timeScale}, ` +
    `poll ${o.pollMs} ms, stream budget ${o.streamBudgetMs} ms, emulator keep-alive ${o.keepAliveMs} ms`;
  return [
    "",
    `Soak: ${report.command}`,
    `Settings: ${settings}`,
    "",
    "| metric | value |",
    "|---|---|",
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    ...details(
      "Unfinished runs",
      report.unfinished.map((u) => `${u.where}: ${u.reason}`),
    ),
    ...details(
      "Interrupted by the kill",
      report.interrupted.map((u) => `${u.where}: ${u.reason}`),
    ),
    ...details("Lost in the browser's message", describeFindings(report.lost)),
    ...details("Duplicated in the browser's message or a stream", describeFindings(report.duplicated)),
    ...details("Lost in the stored message", describeFindings(report.storedLost)),
    ...details("Duplicated in the stored message", describeFindings(report.storedDuplicated)),
    ...details(
      "Drafts set aside that hold a finished item's text",
      describeFindings(report.discardedFinished),
    ),
    ...details("Restarted drafts without a crash", report.strayDrafts),
    ...details(
      "Turns with a wrong number of upstream runs",
      report.extraResponses.map((e) => `${e.where}: expected ${e.expected}, got ${e.actual}`),
    ),
    "",
  ].join("\n");
}
