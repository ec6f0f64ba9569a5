// The concurrency bench's browser stand-in: one turn of one chat over the real HTTP API (POST /api/chat with
// `{id, message}`), its UI message stream read to the end. node:http with no connection limit, so a thousand
// open streams are not queued in the client, and no keep-alive: a connection reused after the server's idle
// timeout (5 s in Next) is reset, which would fail a run for the client's sake. Only what the bench checks is
// kept (the run's status changes, the answer's text, the finish). `storedAnswer` reads a chat the way a browser that
// comes back would find it, from the chat's JSON export.

import { Agent, request } from "node:http";

const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });

export interface TurnOutcome {
  /** The stream ended with a `finish` part. */
  finished: boolean;
  finishReason?: string;
  /** The answer's text: every text delta, in order. */
  text: string;
  error?: string;
}

export interface TurnHandlers {
  /** The run is under way upstream: the stream reported a status past "submitting" (a retrieve answered). */
  onInFlight(): void;
  /** Close the stream then, as a tab closed mid-run: the server follows the run on with nobody watching. */
  leaveWhenInFlight?: boolean;
}

/** One session cookie for all the bench's chats: GET /api/chats answers with the `bac_session` the proxy issues. */
export async function sessionCookie(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/chats`);
  await response.arrayBuffer();
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(";")[0] ?? "")
    .find((pair) => pair.startsWith("bac_session="));
  if (!cookie) throw new Error("The app gave no bac_session cookie.");
  return cookie;
}

interface StreamChunk {
  type: string;
  delta?: string;
  finishReason?: string;
  errorText?: string;
  data?: { status?: string };
}

export function runTurn(
  baseUrl: string,
  cookie: string,
  chatId: string,
  text: string,
  handlers: TurnHandlers,
): Promise<TurnOutcome> {
  const url = new URL("/api/chat", baseUrl);
  const body = JSON.stringify({
    id: chatId,
    message: { id: `user-${crypto.randomUUID()}`, role: "user", parts: [{ type: "text", text }] },
  });
  const outcome: TurnOutcome = { finished: false, text: "" };
  let inFlight = false;
  const take = (chunk: StreamChunk) => {
    if (chunk.type === "text-delta") outcome.text += chunk.delta ?? "";
    else if (chunk.type === "finish") {
      outcome.finished = true;
      outcome.finishReason = chunk.finishReason;
    } else if (chunk.type === "error") outcome.error = chunk.errorText ?? "error part";
    else if (chunk.type === "data-run-status" && !inFlight && chunk.data?.status !== "submitting") {
      inFlight = true;
      handlers.onInFlight();
      onLeave();
    }
  };
  let onLeave = () => {};
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        agent,
        method: "POST",
        headers: {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          origin: url.origin,
          cookie,
        },
      },
      (res) => {
        if (handlers.leaveWhenInFlight)
          onLeave = () => {
            res.destroy();
            resolve(outcome);
          };
        if (res.statusCode !== 200) {
          outcome.error = `HTTP ${res.statusCode}`;
          res.resume();
          res.on("end", () => resolve(outcome));
          return;
        }
        res.setEncoding("utf8");
        let buffer = "";
        res.on("data", (data: string) => {
          buffer += data;
          for (let end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            const event = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            for (const line of event.split("\n")) {
              if (!line.startsWith("data:")) continue;
              const payload = line.slice(5).trim();
              if (payload && payload !== "[DONE]") take(JSON.parse(payload) as StreamChunk);
            }
          }
        });
        res.on("end", () => resolve(outcome));
        res.on("error", (error) => {
          outcome.error = error.message;
          resolve(outcome);
        });
      },
    );
    req.on("error", (error) => {
      outcome.error = error.message;
      resolve(outcome);
    });
    req.end(body);
  });
}

/** The chat's last answer as stored, once its run is over (the JSON export): its text, and whether it completed. */
export async function storedAnswer(
  baseUrl: string,
  cookie: string,
  chatId: string,
): Promise<{ state?: string; text: string }> {
  const response = await fetch(new URL(`/api/chat/${chatId}/export?format=json`, baseUrl), {
    headers: { cookie },
  });
  if (!response.ok) return { text: "", state: `HTTP ${response.status}` };
  const exported = (await response.json()) as {
    lastRun?: { state: string };
    messages: Array<{ role: string; blocks: Array<{ type: string; text?: string }> }>;
  };
  const answer = exported.messages.filter((m) => m.role === "assistant").at(-1);
  const text = (answer?.blocks ?? []).flatMap((b) => (b.type === "text" ? [b.text ?? ""] : [])).join("");
  return { state: exported.lastRun?.state, text };
}
