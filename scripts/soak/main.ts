// `npm run soak`: many concurrent chats against the production app while the upstream misbehaves.
//
// Starts the standalone emulator in this process with seeded retrieve faults, starts `next start` against it as a
// Databricks workspace (`--flavor databricks`, the Supervisor API) or as a Databricks agent app on
// LongRunningAgentServer (`--flavor databricks-agent`: streamed runs, streams cut as the Apps proxy cuts them,
// workers that crash), drives N chats over HTTP exactly as the browser does (reconnecting when a stream ends
// without `finish`), then checks every turn against the emulator's stored responses: each upstream output item
// must be in the final message exactly once. Exits non-zero on any lost or duplicated item or unfinished run.
//
// `--instances 3 --kill-after-ms 8000 --leave 0.5`: three instances on one PostgreSQL database (a database of its
// own on the server `--database-url` or TEST_DATABASE_URL names), chats spread over them, half the turns left
// by their browser at once (the servers follow those runs), and the first instance killed 8 s in: its browsers
// go to the others, its runs are taken over, and every item must still be stored exactly once.

import { parseArgs } from "node:util";
import { FAULTS_HEADER } from "@/emulator";
import { letters } from "@/emulator/question-tags";
import { DEFAULT_KEEP_ALIVE_TIMEOUT_MS, startEmulatorServer } from "@/emulator/server";
import type { ChatRecord } from "@/lib/db/chat-store";
import { ensureBuild, type RunningApp, watchMemory } from "./app";
import { ChatDriver, type TurnRecord } from "./chat-client";
import {
  compareMessage,
  discardedParts,
  duplicatesInStream,
  expectedFromUpstream,
  type Finding,
  itemCount,
  lastUserText,
  type UpstreamRecord,
} from "./count";
import { startSoakApps } from "./instances";
import { formatReport, type SoakReport } from "./report";
import { tallyStreams } from "./streams";

const FLAVORS = ["databricks", "databricks-agent"] as const;
type Flavor = (typeof FLAVORS)[number];

interface Scenario {
  name: string;
  text: string;
  /** Upstream responses one turn takes (one per cycle). */
  responses: number;
}

/** The scenarios mixed over the chats (see emulator/scenarios.ts), with how many upstream responses a turn takes. */
const MIX: Record<Flavor, readonly Scenario[]> = {
  databricks: [
    { name: "plain", text: "Hello! What can you do for me?", responses: 1 },
    { name: "multi-step", text: "Run a multi-step analysis of the sales data", responses: 1 },
    { name: "long", text: "Write a long report on our quarterly sales", responses: 1 },
    { name: "time", text: "What time is it in UTC?", responses: 2 },
    { name: "calculate", text: "Please calculate 17 * 23 + 4", responses: 2 },
    { name: "approval", text: "Search the web for lakehouse news", responses: 2 },
  ],
  // The agent takes no tools from the app, so a question for the app's own functions is a plain answer (the
  // agent says it has no such tool); one is kept to show it, the other dropped. Approvals round-trip as a
  // second create with the history, the request and the decision.
  "databricks-agent": [
    { name: "plain", text: "Hello! What can you do for me?", responses: 1 },
    { name: "multi-step", text: "Run a multi-step analysis of the sales data", responses: 1 },
    { name: "long", text: "Write a long report on our quarterly sales", responses: 1 },
    { name: "time (plain)", text: "What time is it in UTC?", responses: 1 },
    { name: "approval", text: "Search the web for lakehouse news", responses: 2 },
  ],
};

const FAULT_KINDS = ["503", "429", "reset", "malformed", "slow"] as const;

/** The agent flavour's defaults: a cut every 2 s of real time, one run in five losing its worker. */
const AGENT_DEFAULTS = { streamCutMs: 2000, crashRate: 0.2, crashPauseMs: 500 };

/** Whether the browser of this turn leaves at once: about `share` of the turns, the same ones for a seed. */
function leaves(seed: number, chat: number, turn: number, share: number): boolean {
  if (share <= 0) return false;
  const spread = Math.imul(seed + 1, 2654435761) ^ Math.imul(chat * 31 + turn + 1, 40503);
  return ((spread >>> 0) % 1000) / 1000 < share;
}

function turnTag(chat: number, turn: number): string {
  return `soakx${letters(chat)}t${letters(turn)}`;
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      flavor: { type: "string", default: "databricks" },
      chats: { type: "string", default: "50" },
      turns: { type: "string", default: "2" },
      faults: { type: "string", default: "0.3" },
      seed: { type: "string", default: "42" },
      "time-scale": { type: "string", default: "0.25" },
      "stream-budget": { type: "string", default: "3000" },
      poll: { type: "string", default: "250" },
      latency: { type: "string", default: "0-50" },
      "slow-ms": { type: "string", default: "1000" },
      timeout: { type: "string", default: "300" },
      "max-reconnects": { type: "string", default: "200" },
      "keep-alive-ms": { type: "string", default: String(DEFAULT_KEEP_ALIVE_TIMEOUT_MS) },
      // The agent flavour's own knobs; no default here, so a value given for the other flavour is seen.
      "stream-cut-ms": { type: "string" },
      "crash-rate": { type: "string" },
      "crash-pause-ms": { type: "string" },
      instances: { type: "string", default: "1" },
      "database-url": { type: "string" },
      "kill-after-ms": { type: "string" },
      leave: { type: "string", default: "0" },
      "no-approvals": { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(
      "npm run soak -- [--flavor databricks|databricks-agent] [--chats 50] [--turns 2] [--faults 0.3]\n" +
        "               [--seed 42] [--time-scale 0.25] [--stream-budget 3000] [--poll 250] [--latency 0-50]\n" +
        "               [--slow-ms 1000] [--timeout 300] [--max-reconnects 200] [--keep-alive-ms 65000]\n" +
        "               [--no-approvals] [--verbose] [--leave 0]\n" +
        "               [--instances 1] [--database-url postgres://…] [--kill-after-ms 8000]\n" +
        "  several instances share a PostgreSQL database: --database-url (default TEST_DATABASE_URL) names a server\n" +
        "  the soak may create a database on; --kill-after-ms kills the first instance (SIGKILL) that long in\n" +
        "  databricks-agent only: [--stream-cut-ms 2000] (0: never cut) [--crash-rate 0.2] [--crash-pause-ms 500]",
    );
    process.exit(0);
  }
  const flavor = values.flavor as Flavor;
  if (!FLAVORS.includes(flavor)) {
    throw new Error(`--flavor must be ${FLAVORS.join(" or ")}, got ${JSON.stringify(values.flavor)}.`);
  }
  const agentOnly = (["stream-cut-ms", "crash-rate", "crash-pause-ms"] as const).filter(
    (name) => values[name] !== undefined,
  );
  if (flavor !== "databricks-agent" && agentOnly.length > 0) {
    // The Supervisor API neither streams a background run nor loses workers: these would do nothing there.
    throw new Error(`${agentOnly.map((name) => `--${name}`).join(", ")} need --flavor databricks-agent.`);
  }
  const number = (name: keyof typeof values, min: number, max: number, fallback?: number): number => {
    const value = values[name] === undefined && fallback !== undefined ? fallback : Number(values[name]);
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new Error(
        `--${name} must be a number from ${min} to ${max}, got ${JSON.stringify(values[name])}.`,
      );
    }
    return value;
  };
  const instances = Math.round(number("instances", 1, 5));
  const databaseUrl = (values["database-url"] ?? process.env.TEST_DATABASE_URL)?.trim();
  if (instances > 1 && !databaseUrl) {
    throw new Error(
      "--instances above 1 needs a PostgreSQL server the instances share: --database-url postgres://… (or TEST_DATABASE_URL).",
    );
  }
  if (values["kill-after-ms"] !== undefined && instances < 2) {
    // With one instance, killing it would leave no server to finish the runs.
    throw new Error("--kill-after-ms needs --instances 2 or more.");
  }
  const [minMs, maxMs] = String(values.latency).split("-").map(Number);
  const agent = flavor === "databricks-agent";
  const streamCutMs = agent
    ? Math.round(number("stream-cut-ms", 0, 600_000, AGENT_DEFAULTS.streamCutMs))
    : undefined;
  return {
    flavor,
    // 0 turns the cuts off (the emulator's option then stays unset).
    streamCutMs: streamCutMs || undefined,
    crashRate: agent ? number("crash-rate", 0, 1, AGENT_DEFAULTS.crashRate) : undefined,
    crashPauseMs: agent
      ? Math.round(number("crash-pause-ms", 0, 600_000, AGENT_DEFAULTS.crashPauseMs))
      : undefined,
    chats: Math.round(number("chats", 1, 2000)),
    turns: Math.round(number("turns", 1, 20)),
    faults: number("faults", 0, 1),
    seed: Math.round(number("seed", 0, 2 ** 32 - 1)),
    timeScale: number("time-scale", 0.001, 10),
    streamBudgetMs: Math.round(number("stream-budget", 1000, 290_000)),
    pollMs: Math.round(number("poll", 100, 60_000)),
    latency: { minMs: minMs ?? 0, maxMs: maxMs ?? minMs ?? 0 },
    slowMs: number("slow-ms", 0, 60_000),
    timeoutS: number("timeout", 10, 3600),
    maxReconnects: Math.round(number("max-reconnects", 0, 10_000)),
    keepAliveMs: Math.round(number("keep-alive-ms", 0, 600_000)),
    approvals: !values["no-approvals"],
    instances,
    databaseUrl: instances > 1 ? databaseUrl : undefined,
    killAfterMs:
      values["kill-after-ms"] === undefined ? undefined : Math.round(number("kill-after-ms", 0, 3_600_000)),
    leave: number("leave", 0, 1),
    verbose: values.verbose === true,
  };
}

async function main(): Promise<number> {
  const options = parseOptions();
  const log = (line: string) => console.log(`[soak] ${line}`);
  const cwd = process.cwd();
  const agent = options.flavor === "databricks-agent";
  const mix = MIX[options.flavor].filter((m) => options.approvals || m.name !== "approval");
  const token = `soak-${options.seed}`;
  const perKind = options.faults / FAULT_KINDS.length;
  const emulatorServer = await startEmulatorServer({
    port: 0,
    keepAliveTimeoutMs: options.keepAliveMs,
    options: {
      flavor: options.flavor,
      token,
      timeScale: options.timeScale,
      seed: options.seed,
      latency: options.latency,
      // Retrieves only: for the agent flavour those are the stream GETs that resume a cut (and the polls the
      // app falls back to). A create is never faulted: it is never retried.
      faults: {
        rates: { retrieve: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, perKind])) },
        slowMs: options.slowMs,
        retryAfterSeconds: 1,
        ...(options.streamCutMs ? { streamCutMs: options.streamCutMs } : {}),
      },
      ...(agent
        ? { agentServer: { crash: { rate: options.crashRate ?? 0, pauseMs: options.crashPauseMs ?? 0 } } }
        : {}),
    },
  });
  const { emulator } = emulatorServer;
  const streams = agent ? tallyStreams(emulator, options.streamCutMs) : undefined;
  log(
    `emulator (${options.flavor}) on ${emulatorServer.url}: retrieve faults ${options.faults * 100}% (seed ${options.seed})` +
      (agent
        ? `, stream cut ${options.streamCutMs ? `after ${options.streamCutMs} ms` : "never"}, crash rate ${options.crashRate}`
        : ""),
  );

  await ensureBuild(cwd, log);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    // The app must see only the soak's configuration, not a developer's.
    if (
      value === undefined ||
      /^(EMULATOR_|SUPERVISOR_|DATABRICKS_|OPENAI_|DATABASE_URL|PGLITE_DIR|STREAM_BUDGET_MS)/.test(name)
    )
      continue;
    env[name] = value;
  }
  Object.assign(
    env,
    agent
      ? // The agent app's own URL and a bearer; no workspace (DATABRICKS_HOST) is needed with a token.
        { SUPERVISOR_PROVIDER: "databricks-agent", DATABRICKS_AGENT_URL: emulatorServer.url }
      : { SUPERVISOR_PROVIDER: "databricks", DATABRICKS_HOST: emulatorServer.url },
  );
  Object.assign(env, {
    NODE_ENV: "production",
    // Open on purpose (the soak's own servers on loopback): a real provider would otherwise refuse to start.
    AUTH_MODE: "anonymous",
    DATABRICKS_TOKEN: token,
    SUPERVISOR_POLL_INTERVAL_MS: String(options.pollMs),
    STREAM_BUDGET_MS: String(options.streamBudgetMs),
    EMULATOR_TIME_SCALE: String(options.timeScale),
  });
  const soakApps = await startSoakApps({
    count: options.instances,
    databaseUrl: options.databaseUrl,
    seed: options.seed,
    cwd,
    env,
  }).catch(async (error: unknown) => {
    // Nothing ran: the emulator should not outlive the failed start.
    await emulatorServer.close();
    throw error;
  });
  const { apps } = soakApps;
  const urls = apps.map((app) => app.url);
  for (const app of apps) log(`app on ${app.url} (pid ${app.pid})`);
  log(`data in ${soakApps.where}`);
  // The last instance is never the one killed: its memory is the one watched.
  const watched = apps.at(-1) as RunningApp;
  const memory = watchMemory(watched.pid);

  const started = Date.now();
  const deadline = started + options.timeoutS * 1000;
  const chatIds = Array.from({ length: options.chats }, (_, i) => `soak-${options.seed}-${i}-${letters(i)}`);
  let done = 0;
  const killing =
    options.killAfterMs === undefined
      ? undefined
      : setTimeout(() => {
          log(`killing the first instance (${apps[0]?.url}), ${options.killAfterMs} ms in`);
          void apps[0]?.kill();
        }, options.killAfterMs);
  const progress = setInterval(
    () => log(`${done}/${options.chats} chats done, ${Math.round((Date.now() - started) / 1000)} s`),
    10_000,
  );
  const results = await Promise.all(
    chatIds.map(async (chatId, chat) => {
      const driver = new ChatDriver({
        // Spread over the instances as a load balancer spreads them; a dead one's chats go to the next.
        baseUrls: urls.map((_, i) => urls[(chat + i) % urls.length] as string),
        chatId,
        maxReconnects: options.maxReconnects,
        deadline,
        approve: options.approvals,
      });
      const turns: Array<{ record: TurnRecord; scenario: Scenario; tag: string }> = [];
      for (let turn = 0; turn < options.turns; turn++) {
        const scenario = mix[(chat + turn) % mix.length] as Scenario;
        const tag = turnTag(chat, turn);
        const record = await driver.turn(`${scenario.text} ${tag}`, {
          leave: leaves(options.seed, chat, turn, options.leave),
        });
        turns.push({ record, scenario, tag });
        if (!record.finished) break;
      }
      done += 1;
      return { chatId, turns };
    }),
  );
  clearInterval(progress);
  clearTimeout(killing);
  const durationMs = Date.now() - started;
  memory.sample();
  memory.stop();
  await Promise.all(apps.map((app) => app.stop()));

  // Taken before the soak's own look at the runs below, which would count as retrieves (and polls).
  const faultStats = emulator.faultStats();
  const streamStats = streams ? structuredClone(streams) : undefined;
  // Runs whose worker died and was taken over: GET's `attempt_number` (the stored view does not carry it).
  const crashed = agent ? await crashedRuns(emulatorServer.url, token, emulator) : undefined;

  // Ground truth: the emulator's stored responses, grouped by the turn tag in their last user message.
  const byTag = new Map<string, UpstreamRecord[]>();
  for (const view of emulator.inspect()) {
    const tag = /soakx[a-z]+t[a-z]+/.exec(lastUserText(view.input as never))?.[0];
    if (!tag) continue;
    const list = byTag.get(tag) ?? [];
    list.push({
      id: view.response.id,
      status: view.response.status,
      output: view.response.output as never,
      echoed: view.echoed,
      input: view.input as never,
    });
    byTag.set(tag, list);
  }

  // What the app stored, read after it stopped (one process per PGlite directory).
  const { store, database } = await soakApps.openStored();

  const report: SoakReport = {
    command: ["npm run soak", ...(process.argv.length > 2 ? ["--", ...process.argv.slice(2)] : [])].join(" "),
    options,
    turns: 0,
    completed: 0,
    unfinished: [],
    lost: [],
    duplicated: [],
    storedLost: [],
    storedDuplicated: [],
    discardedFinished: [],
    strayDrafts: [],
    unaccounted: 0,
    extraResponses: [],
    interrupted: [],
    reconnects: 0,
    approvals: 0,
    leftTurns: 0,
    failovers: 0,
    resent: 0,
    waitedForPrevious: 0,
    itemsChecked: 0,
    upstreamResponses: emulator.inspect().length,
    faults: faultStats,
    ...(streamStats ? { streams: streamStats } : {}),
    ...(crashed
      ? { crashes: { runs: crashed.size, restartedDrafts: 0, movedDrafts: 0, storedDrafts: 0 } }
      : {}),
    memory: memory.peak(),
    durationMs,
  };
  const note = (list: Array<{ where: string; finding: Finding }>, where: string, findings: Finding[]) => {
    for (const finding of findings) list.push({ where, finding });
  };
  for (const { chatId, turns } of results) {
    const stored = await store.getChat(chatId);
    for (const [index, { record, scenario, tag }] of turns.entries()) {
      const where = `${chatId} turn ${index + 1} (${scenario.name})`;
      report.turns += 1;
      report.reconnects += record.reconnects;
      report.approvals += record.approvals;
      report.failovers += record.failovers;
      report.resent += record.resent;
      report.waitedForPrevious += record.waitedForPrevious;
      if (record.left) report.leftTurns += 1;
      const storedMessage = stored?.messages.find((m) => m.id === record.final?.id);
      // A browser that left and came back shows what the app stored.
      const shown = record.fromStore ? storedMessage : record.final;
      const upstream = byTag.get(tag) ?? [];
      const unfinishedUpstream = upstream.filter((r) => r.status !== "completed");
      const outcome = shown?.parts.find((p) => p.type === "data-run-outcome") as
        | { data: { status: string; message: string } }
        | undefined;
      const reason =
        !record.finished || outcome || unfinishedUpstream.length > 0
          ? `${
              record.error ??
              (outcome
                ? `run ended ${outcome.data.status}: ${outcome.data.message}`
                : `upstream ${unfinishedUpstream.map((r) => `${r.id} ${r.status}`).join(", ")}`)
            } (stored: ${storedRunOf(stored)})`
          : undefined;
      // A create that went out from the instance killed before its answer was stored: the app never sends it
      // again (it could run the step twice) and ends the run saying so. What that response did is lost with
      // the instance, by design; everything else about the turn is still checked.
      const interrupted =
        reason !== undefined && options.killAfterMs !== undefined && INTERRUPTED.test(reason);
      if (interrupted) report.interrupted.push({ where, reason });
      else if (reason !== undefined) report.unfinished.push({ where, reason });
      else report.completed += 1;
      if (upstream.length !== scenario.responses && !interrupted) {
        report.extraResponses.push({ where, expected: scenario.responses, actual: upstream.length });
      }
      const expected = expectedFromUpstream(upstream);
      report.itemsChecked += expected.reduce((sum, e) => sum + e.count, 0);
      const comparison = compareMessage(expected, shown);
      if (!interrupted && (comparison.lost.length > 0 || comparison.duplicated.length > 0))
        log(`${where}: how the browser went: ${browserTrace(record)} (stored: ${storedRunOf(stored)})`);
      if (!interrupted) note(report.lost, where, comparison.lost);
      note(report.duplicated, where, comparison.duplicated);
      note(report.discardedFinished, where, comparison.discarded);
      report.unaccounted += itemCount(comparison.unexpected);
      for (const stream of record.streams)
        note(report.duplicated, `${where} ${stream.kind} stream`, duplicatesInStream(stream.chunks));
      const storedComparison = compareMessage(expected, storedMessage);
      if (!interrupted) note(report.storedLost, where, storedComparison.lost);
      note(report.storedDuplicated, where, storedComparison.duplicated);
      note(report.discardedFinished, `${where} (stored)`, storedComparison.discarded);
      if (report.crashes && crashed) {
        const drafts = discardedParts(shown);
        for (const { reason } of drafts) {
          if (reason === "restarted") report.crashes.restartedDrafts += 1;
          else report.crashes.movedDrafts += 1;
        }
        report.crashes.storedDrafts += discardedParts(storedMessage).length;
        // A draft is set aside as `restarted` only when a worker died: one in a turn without a crash voided text
        // for nothing.
        const restarted = [...drafts, ...discardedParts(storedMessage)].filter(
          (d) => d.reason === "restarted",
        );
        if (restarted.length > 0 && !upstream.some((r) => crashed.has(r.id))) {
          report.strayDrafts.push(`${where}: ${restarted.length} restarted draft(s), no crashed run`);
        }
      }
      if (options.verbose && comparison.unexpected.length > 0) {
        log(
          `${where}: parts no upstream item accounts for: ${comparison.unexpected.map((f) => f.key.slice(0, 60)).join("; ")}`,
        );
      }
    }
  }
  await database.close();

  console.log(formatReport(report));
  const failed =
    report.unfinished.length > 0 ||
    itemCount(report.lost.map((l) => l.finding)) > 0 ||
    itemCount(report.duplicated.map((d) => d.finding)) > 0 ||
    itemCount(report.storedLost.map((l) => l.finding)) > 0 ||
    itemCount(report.storedDuplicated.map((d) => d.finding)) > 0 ||
    report.discardedFinished.length > 0 ||
    report.strayDrafts.length > 0 ||
    report.extraResponses.length > 0;
  if (failed && options.verbose) for (const app of apps) console.log(app.output().slice(-8000));
  await emulatorServer.close();
  if (!failed) await soakApps.discard();
  else log(`kept the app's data in ${soakApps.where} for a look`);
  return failed ? 1 : 0;
}

/** Each stream of a turn (kind, chunks, finished or why not), and how the browser came back, for a finding. */
function browserTrace(record: TurnRecord): string {
  const streams = record.streams.map(
    (s) =>
      `${s.kind} ${s.chunks.length} chunks${s.finished ? " finish" : ""}${s.error ? ` (${s.error})` : ""}`,
  );
  const flags = [
    record.left ? "left" : "",
    record.fromStore ? "shown from the store" : "",
    record.resent ? `asked ${record.resent + 1} times` : "",
    record.waitedForPrevious ? `waited ${record.waitedForPrevious} times for the previous run` : "",
    record.error ? `error: ${record.error}` : "",
  ].filter(Boolean);
  return [...streams, ...flags].join("; ") || "no stream";
}

/** The errors a run ends with when a create went out and its sender died before the answer was stored. */
const INTERRUPTED = /interrupted (before the agent accepted it|while its next step was being sent)/;

function storedRunOf(chat: ChatRecord | undefined): string {
  const run = chat?.run;
  if (!run) return "no run";
  return `last run ${run.state}${run.responseId ? ` on ${run.responseId}` : ", never started upstream"}${run.error ? `: ${run.error}` : ""}; ${chat.messages.length} messages`;
}

/** Ids of the stored runs a second worker took over (`attempt_number` above 1), asked without faults. */
async function crashedRuns(
  url: string,
  token: string,
  emulator: { inspect(): Array<{ response: { id: string } }> },
): Promise<Set<string>> {
  const crashed = new Set<string>();
  await Promise.all(
    emulator.inspect().map(async ({ response: { id } }) => {
      const response = await fetch(`${url}/responses/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${token}`, [FAULTS_HEADER]: "none" },
      });
      const body = (await response.json()) as { attempt_number?: number };
      if ((body.attempt_number ?? 1) > 1) crashed.add(id);
    }),
  );
  return crashed;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `[soak] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    process.exit(2);
  },
);
