import type { UIMessageChunk } from "ai";
import { createEmulator, type EmulatorOptions } from "@/emulator";
import { systemClock } from "@/lib/background";
import type { ChatOwner, ChatStore } from "@/lib/db/chat-store";
import { createMemoryChatStore } from "@/lib/db/memory-store";
import { loadSupervisorConfig, toBackgroundClient } from "@/lib/supervisor";
import { createOpenAIClient, createUpstreamClient } from "@/lib/supervisor/client";
import { traceFieldsOf } from "@/lib/supervisor/tracing";
import { createToolRegistry, defaultToolRegistry } from "@/lib/tools";
import type { TurnDeps } from "./respond";
import { resumeChatRun } from "./resume";
import { startChatTurn, type TurnInput } from "./turn";

/** Read a UI message stream Response (SSE) to its end and return the chunks it carried. */
export async function readUIStream(response: Response): Promise<UIMessageChunk[]> {
  const text = await response.text();
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice("data: ".length)) as UIMessageChunk);
}

export function streamedText(chunks: UIMessageChunk[]): string {
  return chunks.flatMap((c) => (c.type === "text-delta" ? [c.delta] : [])).join("");
}

/** The person every engine test acts for. */
export const OWNER: ChatOwner = { id: "anon:test-owner" };

export const say = (text: string): TurnInput => ({
  kind: "message",
  text,
  message: { id: crypto.randomUUID(), role: "user", parts: [{ type: "text", text }] },
});

export interface Seen {
  method: string;
  path: string;
  at: number;
  /** A POST's JSON body. */
  body?: Record<string, unknown>;
  traceparent?: string | null;
}

/**
 * The app's engine over the real `openai` SDK against an in-process emulator, recording every request.
 * `beforeUpstream` runs before each request reaches the emulator (to hold one back, for instance);
 * `afterUpstream` after the emulator handled it and before its answer is returned (a slow answer).
 */
export function setup(
  streamBudgetMs: number,
  store: ChatStore = createMemoryChatStore(),
  beforeUpstream?: (request: Seen) => Promise<void> | void,
  afterUpstream?: (request: Seen) => Promise<void> | void,
  /** The upstream's flavour (default databricks, which echoes history) and SUPERVISOR_STREAMING. */
  upstream: {
    flavor?: "databricks" | "openai";
    streaming?: "auto" | "on" | "off";
    timeScale?: number;
    /** More environment for the app's config (e.g. SUPERVISOR_TRACING). */
    env?: Record<string, string>;
  } = {},
) {
  const flavor = upstream.flavor ?? "databricks";
  const emulator = createEmulator({ flavor, timeScale: upstream.timeScale ?? 0.06 });
  const seen: Seen[] = [];
  const config = loadSupervisorConfig({
    ...(flavor === "databricks"
      ? { SUPERVISOR_PROVIDER: "databricks", DATABRICKS_HOST: "http://upstream.test", DATABRICKS_TOKEN: "t" }
      : { SUPERVISOR_PROVIDER: "openai", OPENAI_BASE_URL: "http://upstream.test/v1", OPENAI_API_KEY: "k" }),
    SUPERVISOR_STREAMING: upstream.streaming ?? "auto",
    ...upstream.env,
  });
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const entry: Seen = { method: request.method, path: new URL(request.url).pathname, at: Date.now() };
    if (request.method === "POST") {
      const text = await request.clone().text();
      if (text) entry.body = JSON.parse(text);
      entry.traceparent = request.headers.get("traceparent");
    }
    await beforeUpstream?.(entry);
    seen.push(entry);
    const response = await emulator.handle(request);
    await afterUpstream?.(entry);
    return response;
  };
  const deps: TurnDeps = {
    store,
    client: toBackgroundClient(createOpenAIClient(config, { fetch }), { streaming: config.streaming }),
    clock: systemClock,
    model: "m",
    registry: defaultToolRegistry,
    tools: defaultToolRegistry.definitions(),
    pollIntervalMs: 100,
    echoesHistory: flavor === "databricks",
    streamBudgetMs,
    traceFields: traceFieldsOf(config),
  };
  return { deps, seen, store, emulator };
}

/**
 * The app's engine on an agent server (LongRunningAgentServer or Agent Bricks), served by an in-process
 * emulator of that flavour and reached through the app's own adapter and HTTP-shaped requests, every one
 * recorded (with its headers, for the session and bearer).
 */
export function setupAgent(
  flavor: "databricks-agent" | "agent-bricks",
  {
    streamBudgetMs = 60_000,
    store = createMemoryChatStore(),
    emulator: emulatorOptions = {},
    env = {},
  }: {
    streamBudgetMs?: number;
    store?: ChatStore;
    emulator?: EmulatorOptions;
    env?: Record<string, string>;
  } = {},
) {
  const emulator = createEmulator({ flavor, timeScale: 0.06, ...emulatorOptions });
  const seen: Array<Seen & { headers: Headers; url: string }> = [];
  const config = loadSupervisorConfig({
    SUPERVISOR_PROVIDER: flavor,
    [flavor === "databricks-agent" ? "DATABRICKS_AGENT_URL" : "AGENT_BRICKS_URL"]: "http://agent.test",
    DATABRICKS_TOKEN: "oauth-token",
    ...env,
  });
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const entry = {
      method: request.method,
      path: url.pathname,
      url: url.pathname + url.search,
      at: Date.now(),
      headers: request.headers,
    } as Seen & { headers: Headers; url: string };
    if (request.method === "POST") {
      const text = await request.clone().text();
      if (text) entry.body = JSON.parse(text);
    }
    seen.push(entry);
    return emulator.handle(request);
  };
  const deps: TurnDeps = {
    store,
    client: createUpstreamClient(config, { fetch }),
    clock: systemClock,
    model: config.model,
    registry: createToolRegistry([]),
    tools: [],
    pollIntervalMs: 100,
    echoesHistory: false,
    streamBudgetMs,
  };
  return { deps, seen, store, emulator, config };
}

/** Send a question and follow hand-overs until a stream finishes; returns every stream's chunks. */
export async function runToEnd(deps: TurnDeps, chatId: string, text: string) {
  const streams: UIMessageChunk[][] = [
    await readUIStream(await startChatTurn(deps, { owner: OWNER, chatId, turn: say(text) })),
  ];
  while (!streams.at(-1)?.some((c) => c.type === "finish")) {
    const resumed = await resumeChatRun(deps, { ownerId: OWNER.id, chatId });
    if (!resumed) throw new Error("nothing to resume, but the last stream did not finish");
    streams.push(await readUIStream(resumed));
    if (streams.length > 50) throw new Error("too many hand-overs");
  }
  return streams;
}

/** What the person ends up seeing: the stored assistant message's text and tool calls. */
export async function transcript(store: ChatStore, chatId: string) {
  const chat = await store.getChat(chatId);
  const assistant = chat?.messages.at(-1);
  return {
    text: assistant?.parts.flatMap((p) => (p.type === "text" ? [p.text] : [])),
    tools: assistant?.parts.flatMap((p) => (p.type === "dynamic-tool" ? [`${p.toolName}:${p.state}`] : [])),
    history: chat?.history.map((i) => `${i.type}:${i.id ?? i.call_id ?? ""}`.replace(/resp_[0-9a-f]+/, "")),
    state: chat?.run?.state,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `read()` again every 25 ms until `done` says yes (10 s at most); its last value. */
export async function until<T>(
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  what: string,
): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await read();
    if (done(value)) return value;
    await pause(25);
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** Send a question, read the stream until the run has a response id upstream, then close the tab: its run id. */
export async function askAndLeave(
  deps: TurnDeps,
  store: ChatStore,
  chatId: string,
  text: string,
): Promise<string> {
  const tab = new AbortController();
  const response = await startChatTurn(deps, { owner: OWNER, chatId, turn: say(text), signal: tab.signal });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  await reader.read();
  await until(
    () => store.getChat(chatId),
    (chat) => !!chat?.run?.responseId,
    "the run is under way",
  );
  tab.abort();
  await reader.cancel();
  return (await store.getChat(chatId))?.run?.runId as string;
}
