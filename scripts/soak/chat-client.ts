// One chat driven over HTTP the way the browser drives it (components/chat/chat.tsx, lib/client/transport.ts):
// POST /api/chat with the new message, read the UI message stream, and when it ends without `finish`,
// reconnect at once with GET /api/chat/{id}/stream (204: nothing to resume). Approval requests are answered
// with `{id, decisions}`. Each stream is rebuilt into the message the browser would show with the AI SDK's own
// `readUIMessageStream`: a resumed stream replays the message from its `start`, an approval's stream continues
// the message it answers.

import { readUIMessageStream, type UIMessage, type UIMessageChunk } from "ai";
import { readUIStream } from "./sse";

/** Cookies per chat, as a browser tab keeps them (the app may set an identity cookie). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  store(response: Response): void {
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(";");
      const at = pair?.indexOf("=") ?? -1;
      if (!pair || at <= 0) continue;
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/;\s*max-age=0/i.test(header) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }
}

export interface StreamRecord {
  kind: "post" | "approval" | "resume";
  chunks: UIMessageChunk[];
  finished: boolean;
  /** The message as the browser shows it once this stream ended. */
  message?: UIMessage;
  error?: string;
}

export interface TurnRecord {
  /** The user's text; the soak tags it so the upstream responses of this turn can be found. */
  text: string;
  streams: StreamRecord[];
  /** The message the browser shows at the end of the turn. */
  final?: UIMessage;
  finished: boolean;
  reconnects: number;
  approvals: number;
  error?: string;
}

export interface ChatDriverOptions {
  baseUrl: string;
  chatId: string;
  /** Give up on the turn after this many reconnects (the browser gives up after 5 within 30 s). */
  maxReconnects: number;
  deadline: number;
  /** Answer approval requests (approve) instead of leaving them. */
  approve: boolean;
}

export class ChatDriver {
  private readonly jar = new CookieJar();
  private readonly origin: string;

  constructor(private readonly options: ChatDriverOptions) {
    this.origin = new URL(options.baseUrl).origin;
  }

  private headers(json: boolean): Record<string, string> {
    const cookie = this.jar.header();
    return {
      origin: this.origin,
      ...(json ? { "content-type": "application/json" } : {}),
      ...(cookie ? { cookie } : {}),
    };
  }

  async turn(text: string): Promise<TurnRecord> {
    const record: TurnRecord = { text, streams: [], finished: false, reconnects: 0, approvals: 0 };
    const { chatId } = this.options;
    let next: { kind: "post" | "approval"; body: unknown; continuing?: UIMessage } = {
      kind: "post",
      body: {
        id: chatId,
        message: { id: `user-${crypto.randomUUID()}`, role: "user", parts: [{ type: "text", text }] },
      },
    };
    for (;;) {
      let stream = await this.request(next.kind, next.body, next.continuing);
      this.add(record, stream);
      if (stream.error && stream.chunks.length === 0) {
        record.error = stream.error;
        return record;
      }
      // A stream that ends without `finish` handed over (time budget) or dropped: continue in a new one.
      while (!stream.finished) {
        if (Date.now() > this.options.deadline) {
          record.error = "the deadline passed before the run finished";
          return record;
        }
        if (record.reconnects >= this.options.maxReconnects) {
          record.error = `gave up after ${record.reconnects} reconnects`;
          return record;
        }
        record.reconnects += 1;
        const resumed = await this.resume();
        if (resumed === "nothing") {
          record.error = "a stream ended without finish and GET …/stream had nothing to resume (204)";
          return record;
        }
        stream = resumed;
        this.add(record, stream);
      }
      const pending = this.pendingApprovals(record.final);
      if (pending.length === 0 || !this.options.approve) break;
      record.approvals += pending.length;
      next = {
        kind: "approval",
        body: {
          id: chatId,
          decisions: pending.map((approvalRequestId) => ({ approvalRequestId, approve: true })),
        },
        continuing: record.final,
      };
    }
    record.finished = true;
    return record;
  }

  private add(record: TurnRecord, stream: StreamRecord): void {
    record.streams.push(stream);
    if (stream.message) record.final = stream.message;
  }

  /** Approval cards still waiting for a decision in the message. */
  private pendingApprovals(message: UIMessage | undefined): string[] {
    return (message?.parts ?? []).flatMap((part) => {
      const tool = part as { type: string; state?: string; approval?: { id: string } };
      return (tool.type === "dynamic-tool" || tool.type.startsWith("tool-")) &&
        tool.state === "approval-requested" &&
        tool.approval
        ? [tool.approval.id]
        : [];
    });
  }

  private async resume(): Promise<StreamRecord | "nothing"> {
    const url = `${this.options.baseUrl}/api/chat/${encodeURIComponent(this.options.chatId)}/stream`;
    let response: Response;
    try {
      response = await fetch(url, { headers: this.headers(false) });
    } catch (error) {
      return { kind: "resume", chunks: [], finished: false, error: String(error) };
    }
    this.jar.store(response);
    if (response.status === 204) return "nothing";
    return this.consume("resume", response, undefined);
  }

  private async request(
    kind: StreamRecord["kind"],
    body: unknown,
    continuing: UIMessage | undefined,
  ): Promise<StreamRecord> {
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl}/api/chat`, {
        method: "POST",
        headers: this.headers(true),
        body: JSON.stringify(body),
      });
    } catch (error) {
      return { kind, chunks: [], finished: false, error: `POST /api/chat failed: ${String(error)}` };
    }
    this.jar.store(response);
    return this.consume(kind, response, continuing);
  }

  private async consume(
    kind: StreamRecord["kind"],
    response: Response,
    continuing: UIMessage | undefined,
  ): Promise<StreamRecord> {
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => "");
      return { kind, chunks: [], finished: false, error: `HTTP ${response.status}: ${text.slice(0, 300)}` };
    }
    const read = await readUIStream(response.body);
    const message = await rebuildMessage(read.chunks, continuing);
    return {
      kind,
      chunks: read.chunks,
      finished: read.chunks.some((c) => c.type === "finish"),
      message,
      ...(read.error ? { error: read.error } : {}),
    };
  }
}

/**
 * The message the browser shows after a stream: a new or resumed stream starts it over at `start` (the AI SDK
 * resets the message on a new id, and a resumed stream is a replay), an approval's stream continues `continuing`.
 */
export async function rebuildMessage(
  chunks: readonly UIMessageChunk[],
  continuing?: UIMessage,
): Promise<UIMessage | undefined> {
  let last: UIMessage | undefined;
  const stream = new ReadableStream<UIMessageChunk>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const errors: unknown[] = [];
  for await (const message of readUIMessageStream({
    stream,
    ...(continuing ? { message: structuredClone(continuing) } : {}),
    onError: (error) => errors.push(error),
  })) {
    last = message;
  }
  if (errors.length > 0) throw new Error(`The UI stream did not rebuild: ${String(errors[0])}`);
  return last ?? (continuing ? structuredClone(continuing) : undefined);
}
