// The soak's printed table (markdown, so it can go into RELIABILITY.md as it is).

import type { FaultStats } from "@/emulator";
import { type Finding, itemCount } from "./count";

export interface SoakReport {
  command: string;
  options: {
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
  };
  turns: number;
  completed: number;
  unfinished: Array<{ where: string; reason: string }>;
  lost: Array<{ where: string; finding: Finding }>;
  duplicated: Array<{ where: string; finding: Finding }>;
  storedLost: Array<{ where: string; finding: Finding }>;
  storedDuplicated: Array<{ where: string; finding: Finding }>;
  /** Turns whose number of upstream responses differs from the scenario's (a second run for one turn, or none). */
  extraResponses: Array<{ where: string; expected: number; actual: number }>;
  reconnects: number;
  approvals: number;
  /** Upstream output items (and app tool outputs) checked against the messages. */
  itemsChecked: number;
  upstreamResponses: number;
  faults: FaultStats;
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
    ["upstream items checked", String(report.itemsChecked)],
    ["items lost (streams)", String(itemCount(report.lost.map((l) => l.finding)))],
    ["items duplicated (streams)", String(itemCount(report.duplicated.map((d) => d.finding)))],
    ["items lost (stored)", String(itemCount(report.storedLost.map((l) => l.finding)))],
    ["items duplicated (stored)", String(itemCount(report.storedDuplicated.map((d) => d.finding)))],
    ["turns with a wrong number of upstream runs", String(report.extraResponses.length)],
    ["reconnects", String(report.reconnects)],
    [
      "upstream requests",
      `create ${requests.create}, retrieve ${requests.retrieve}, cancel ${requests.cancel} (${report.upstreamResponses} responses)`,
    ],
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
  const settings =
    `retrieve faults ${(o.faults * 100).toFixed(0)}% spread evenly over 503/429/reset/malformed/slow, seed ${o.seed}, ` +
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
    ...details("Lost in the browser's message", describeFindings(report.lost)),
    ...details("Duplicated in the browser's message or a stream", describeFindings(report.duplicated)),
    ...details("Lost in the stored message", describeFindings(report.storedLost)),
    ...details("Duplicated in the stored message", describeFindings(report.storedDuplicated)),
    ...details(
      "Turns with a wrong number of upstream runs",
      report.extraResponses.map((e) => `${e.where}: expected ${e.expected}, got ${e.actual}`),
    ),
    "",
  ].join("\n");
}
