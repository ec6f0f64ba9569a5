// The emulator over real HTTP (`npm run emulator`), for curl, other processes, or the app pointed at
// DATABRICKS_HOST / OPENAI_BASE_URL. Logs no tokens and no bodies.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createEmulator, type Emulator, isConnectionReset } from "./index";
import { ISSUED_TOKEN_PREFIX } from "./oauth";
import { emulatorOptionsFromEnv } from "./options";
import type { EmulatorOptions } from "./types";

/** Requests are small JSON; anything bigger is a mistake worth refusing rather than buffering. */
const MAX_BODY_BYTES = 20 * 1024 * 1024;

/** One request as the server saw it: no body, no headers (so no token), and the path without its query. */
export interface EmulatorRequestRecord {
  method: string;
  /** e.g. `/ai-gateway/mlflow/v1/responses/resp_abc/cancel`. */
  path: string;
  /** When it arrived, in ms on the emulator's clock (`options.now`, default Date.now). */
  at: number;
  /**
   * Which kind of credential it carried (never the credential): the configured `token`, a token the emulator
   * issued by OAuth M2M, something else, or none.
   */
  credential: "token" | "oauth" | "other" | "none";
}

/**
 * How long an idle keep-alive connection stays open. Node's own default (5 s) is barely above the 4 s after
 * which Node's fetch drops an idle connection, so on a loaded machine a request sent on a connection the server
 * is just closing fails with "other side closed". Upstream gateways keep idle connections far longer (a minute
 * or more), so the emulator does too; `keepAliveTimeoutMs: 5000` brings the race back on purpose.
 */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface EmulatorServer {
  /** e.g. `http://127.0.0.1:8787`; the actual port when started on port 0. */
  url: string;
  /** The emulator behind the server, for in-process checks (fault counts, stored responses). */
  emulator: Emulator;
  close(): Promise<void>;
}

export async function startEmulatorServer({
  port = 8787,
  host = "127.0.0.1",
  options = {},
  onRequest,
  keepAliveTimeoutMs = DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
}: {
  port?: number;
  host?: string;
  options?: EmulatorOptions;
  /**
   * Called as each request arrives, before it is answered: lets a test see what a client asked for and when
   * (e.g. that polling stopped after a cancel). A hook that throws fails that request with a 500.
   */
  onRequest?: (request: EmulatorRequestRecord) => void;
  /** Idle keep-alive connections are closed after this long (see DEFAULT_KEEP_ALIVE_TIMEOUT_MS). */
  keepAliveTimeoutMs?: number;
} = {}): Promise<EmulatorServer> {
  const emulator = createEmulator(options);
  const now = options.now ?? Date.now;
  const server = createServer((req, res) => {
    const answer = async () => {
      onRequest?.({
        method: req.method ?? "GET",
        path: pathOf(req.url),
        at: now(),
        credential: credentialOf(req.headers.authorization, req.headers["api-key"], options.token),
      });
      await serve(emulator, req, res);
    };
    answer().catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ error: { message: "The emulator server failed to answer.", type: "server_error" } }),
      );
    });
  });
  server.keepAliveTimeout = keepAliveTimeoutMs;
  // Headers of a request must be allowed to take longer than an idle connection may wait for them.
  server.headersTimeout = Math.max(server.headersTimeout, keepAliveTimeoutMs + 1_000);
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once("error", rejectListen);
    server.listen(port, host, () => {
      server.off("error", rejectListen);
      resolveListen();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    emulator,
    close: () =>
      new Promise<void>((resolveClose, rejectClose) => {
        server.close((error) => (error ? rejectClose(error) : resolveClose()));
        // Keep-alive sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

async function serve(emulator: Emulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (body === "too-large") {
    res.writeHead(413, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: "Request body too large.", type: "invalid_request_error" } }));
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const method = req.method ?? "GET";
  // A client that hangs up aborts the request, so a live event stream stops at once rather than at its next event.
  const hangUp = new AbortController();
  res.once("close", () => hangUp.abort());
  const request = new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, {
    method,
    headers,
    body: method === "GET" || method === "HEAD" ? undefined : new Uint8Array(body),
    signal: hangUp.signal,
  });
  let response: Response;
  try {
    response = await emulator.handle(request);
  } catch (error) {
    if (!isConnectionReset(error)) throw error;
    // An injected reset: drop the connection without a word, as a crashed proxy would.
    req.socket.destroy();
    return;
  }
  res.writeHead(response.status, Object.fromEntries(response.headers));
  // Headers go out now, not with the first piece of body: a trickled answer or a quiet event stream is visibly
  // answering, and a client's timeout meets a slow body, not a missing answer.
  res.flushHeaders();
  if (!response.body) {
    res.end();
    return;
  }
  // Streamed, so a slow (trickled) answer and an event stream arrive piece by piece on the wire too; a client
  // that gave up (closed the connection) ends them.
  try {
    for await (const chunk of response.body) {
      if (res.destroyed) break;
      res.write(chunk);
    }
  } catch (error) {
    // An event stream cut on purpose (a fault) drops the connection mid-body, as a failing proxy would.
    if (isConnectionReset(error)) {
      req.socket.destroy();
      return;
    }
    // An event stream errors with the abort when its client hangs up; there is no one left to answer.
    if (!hangUp.signal.aborted) throw error;
  }
  res.end();
}

/** The path of a request target, without its query string. */
function credentialOf(
  authorization: string | undefined,
  apiKey: string | string[] | undefined,
  token: string | undefined,
): EmulatorRequestRecord["credential"] {
  const sent =
    /^Bearer\s+(.+)$/i.exec(authorization?.trim() ?? "")?.[1] ??
    (typeof apiKey === "string" ? apiKey : undefined);
  if (sent === undefined) return "none";
  if (token !== undefined && sent === token) return "token";
  return sent.startsWith(ISSUED_TOKEN_PREFIX) ? "oauth" : "other";
}

function pathOf(target: string | undefined): string {
  const path = (target ?? "/").split("?", 1)[0] ?? "/";
  return path || "/";
}

async function readBody(req: IncomingMessage): Promise<Buffer | "too-large"> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return "too-large";
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** How to point the app at this emulator, per flavour. */
function connectHints(flavor: string, url: string, apps: string[]): string[] {
  switch (flavor) {
    case "databricks-agent":
    case "agent-bricks": {
      const [urlVar, appVar] =
        flavor === "databricks-agent"
          ? ["DATABRICKS_AGENT_URL", "DATABRICKS_AGENT_APP"]
          : ["AGENT_BRICKS_URL", "AGENT_BRICKS_APP"];
      return [
        `SUPERVISOR_PROVIDER=${flavor} ${urlVar}=${url}`,
        ...(apps.length > 0 ? [`or by app name: ${appVar}=${apps[0]} DATABRICKS_HOST=${url}`] : []),
      ];
    }
    default:
      return [
        `OpenAI-compatible base URL (OPENAI_BASE_URL): ${url}/v1`,
        `Databricks host (DATABRICKS_HOST):            ${url}  (→ /ai-gateway/mlflow/v1/responses)`,
      ];
  }
}

async function main(): Promise<void> {
  const options = emulatorOptionsFromEnv(process.env);
  const port = Number(process.env.EMULATOR_PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(
      `EMULATOR_PORT must be a port number (0-65535), got ${JSON.stringify(process.env.EMULATOR_PORT)}.`,
    );
  }
  const host = process.env.EMULATOR_HOST?.trim() || "127.0.0.1";
  const keepAlive = process.env.EMULATOR_KEEP_ALIVE_MS?.trim();
  const keepAliveTimeoutMs = keepAlive ? Number(keepAlive) : DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
  if (!Number.isInteger(keepAliveTimeoutMs) || keepAliveTimeoutMs < 0) {
    throw new Error(
      `EMULATOR_KEEP_ALIVE_MS must be a whole number of milliseconds, got ${JSON.stringify(keepAlive)}.`,
    );
  }
  const server = await startEmulatorServer({ port, host, options, keepAliveTimeoutMs });
  const flavor = server.emulator.options.flavor;
  console.log(`Agent emulator (${flavor}) listening on ${server.url}`);
  const { faults, latency, seed } = server.emulator.options;
  if (Object.keys(faults.rates ?? {}).length > 0 || faults.scenarios || latency) {
    console.log(
      `  Faults on (EMULATOR_SEED=${seed} repeats them): ${JSON.stringify({ ...faults, latency })}`,
    );
  }
  for (const line of connectHints(flavor, server.url, server.emulator.options.apps)) console.log(`  ${line}`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

// Start only when run directly (`tsx emulator/server.ts`), not when a test imports startEmulatorServer.
const entry = process.argv[1];
if (entry && resolve(entry) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(
      `The agent emulator failed to start: ${error instanceof Error ? error.message : String(error)}`,
    );
    process.exit(1);
  });
}
