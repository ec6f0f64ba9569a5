// One chat driven over HTTP the way the browser drives it (components/chat/chat.tsx, lib/client/transport.ts):
// POST /api/chat with the new message, read the UI message stream, and when it ends without `finish`,
// reconnect at once with GET /api/chat/{id}/stream (204: nothing to resume). Approval requests are answered
// with `{id, decisions}`. Each stream is rebuilt into the message the browser would show with the AI SDK's own
// `readUIMessageStream`: a resumed stream replays the message from its `start`, an approval's stream continues
// the message it answers. Behind a load balancer of several instances, a request refused by its instance (it
// died) goes to the next one. A turn may also be left at once (`leave`): the browser closes each stream as soon
// as it has begun and comes back when the chat's export says the run is over.

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
  /** The request never got an answer: its connection broke (its instance died with it on the way). */
  broken?: boolean;
  /** 409: the chat's previous run is still open (its end not stored yet). */
  busy?: boolean;
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
  /** Requests whose instance refused the connection (gone) and that went to another. */
  failovers: number;
  /** Questions (or decisions) sent again because their request broke before the app stored them, as a person would. */
  resent: number;
  /** Questions asked again after a 409: the chat's previous run was still open (its instance died as it ended). */
  waitedForPrevious: number;
  /**
   * The browser left each stream at its start and came back once the run was over: the server followed the run.
   */
  left?: boolean;
  /** `final` holds only the answer's id: the person sees what the app stored (the soak compares that). */
  fromStore?: boolean;
  error?: string;
}

export interface ChatDriverOptions {
  /** The instances a load balancer spreads requests over: the chat starts on the first. */
  baseUrls: readonly string[];
  chatId: string;
  /** Give up on the turn after this many reconnects (the browser gives up after 5 within 30 s). */
  maxReconnects: number;
  deadline: number;
  /** Answer approval requests (approve) instead of leaving them. */
  approve: boolean;
}

/** A question whose request broke before the app stored it is asked again at most this often. */
const MAX_RESENDS = 3;

/** A question refused because the chat's previous run is still open is asked again at most this often. */
const MAX_WAITS = 60;

/** How often a browser that left looks whether the run is over. */
const LOOK_EVERY_MS = 250;

export class ChatDriver {
  private readonly jar = new CookieJar();
  /** Which of `baseUrls` this chat's requests go to now. */
  private at = 0;
  private failovers = 0;

  constructor(private readonly options: ChatDriverOptions) {}

  /**
   * `path` on this chat's instance. A refused connection means the instance is gone and nothing was sent: the
   * request goes to the next instance, as a load balancer sends it. Any other failure is the caller's.
   */
  private async send(path: string, init: { method?: string; body?: string; signal?: AbortSignal } = {}) {
    const urls = this.options.baseUrls;
    for (let tried = 1; ; tried++) {
      const base = urls[this.at] as string;
      const cookie = this.jar.header();
      try {
        const response = await fetch(`${base}${path}`, {
          ...init,
          headers: {
            origin: new URL(base).origin,
            ...(init.body !== undefined ? { "content-type": "application/json" } : {}),
            ...(cookie ? { cookie } : {}),
          },
        });
        this.jar.store(response);
        return response;
      } catch (error) {
        const refused = (error as { cause?: { code?: string } }).cause?.code === "ECONNREFUSED";
        if (!refused || tried >= urls.length) throw error;
        this.at = (this.at + 1) % urls.length;
        this.failovers += 1;
      }
    }
  }

  async turn(text: string, { leave = false }: { leave?: boolean } = {}): Promise<TurnRecord> {
    const failoversBefore = this.failovers;
    const record = await this.drive(text, leave);
    record.failovers = this.failovers - failoversBefore;
    return record;
  }

  private async drive(text: string, leave: boolean): Promise<TurnRecord> {
    const record: TurnRecord = {
      text,
      streams: [],
      finished: false,
      reconnects: 0,
      approvals: 0,
      failovers: 0,
      resent: 0,
      waitedForPrevious: 0,
    };
    const { chatId } = this.options;
    let next: { kind: "post" | "approval"; body: unknown; continuing?: UIMessage } = {
      kind: "post",
      body: {
        id: chatId,
        message: { id: `user-${crypto.randomUUID()}`, role: "user", parts: [{ type: "text", text }] },
      },
    };
    if (leave) return this.driveLeaving(record, next);
    for (;;) {
      let stream = await this.request(next.kind, next.body, next.continuing);
      this.add(record, stream);
      if (stream.busy && next.kind === "post" && record.waitedForPrevious < MAX_WAITS) {
        // The person sees "a run is still in progress", waits a moment and asks again.
        record.waitedForPrevious += 1;
        await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS * 2));
        continue;
      }
      if (stream.error && stream.chunks.length === 0) {
        const stored = stream.broken ? await this.requestStored(text, next.body) : undefined;
        if (stored === false && record.resent < MAX_RESENDS) {
          // The question never reached the app: the person sees the error and asks again.
          record.resent += 1;
          continue;
        }
        if (!stored) {
          record.error = stream.error;
          return record;
        }
        // The app has the question: follow the run as a reconnect does.
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
          // Nothing to follow here (the run's create went out from an instance that died): the person sees
          // what the app stored once the run is over, as a reload shows it.
          const over = await this.untilRunIsOver();
          record.fromStore = true;
          if ("error" in over) {
            record.error = `a stream ended without finish, GET …/stream had nothing to resume (204), and ${over.error}`;
            return record;
          }
          record.error = runEndedWithout(over);
          if (record.error) return record;
          // Finished by another instance: its approval requests, if any, are answered from the chat as stored.
          const pending = record.final ? pendingInExport(over, record.final.id) : [];
          if (pending.length > 0 && this.options.approve) {
            record.approvals += pending.length;
            return this.driveLeaving(record, {
              kind: "approval",
              body: approveAll(chatId, pending),
            });
          }
          record.finished = true;
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
        body: approveAll(chatId, pending),
        continuing: record.final,
      };
    }
    record.finished = true;
    return record;
  }

  /**
   * The turn with its browser gone: each stream (the question's, then each approval's) is closed once it has
   * begun, and the chat is looked at until its run is over; approval requests found then are approved.
   */
  private async driveLeaving(
    record: TurnRecord,
    first: { kind: "post" | "approval"; body: unknown },
  ): Promise<TurnRecord> {
    record.left = true;
    record.fromStore = true;
    const { chatId } = this.options;
    let next = first;
    for (;;) {
      const began = await this.begin(next.body);
      if ("error" in began && began.busy && next.kind === "post" && record.waitedForPrevious < MAX_WAITS) {
        record.waitedForPrevious += 1;
        await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS * 2));
        continue;
      }
      if ("error" in began) {
        const stored = began.broken ? await this.requestStored(record.text, next.body) : undefined;
        if (stored === false && record.resent < MAX_RESENDS) {
          record.resent += 1;
          continue;
        }
        if (!stored) {
          record.error = began.error;
          return record;
        }
        // The app has the question: its answer (if any) is what the app stores once the run is over.
        const over = await this.untilRunIsOver();
        if ("error" in over) record.error = over.error;
        else {
          const answer = over.messages.at(-1);
          if (answer?.role === "assistant") record.final = { id: answer.id, role: "assistant", parts: [] };
          record.error = runEndedWithout(over);
          if (!record.error) record.finished = true;
        }
        return record;
      }
      record.final ??= { id: began.messageId, role: "assistant", parts: [] };
      const over = await this.untilRunIsOver();
      if ("error" in over) {
        record.error = over.error;
        return record;
      }
      record.error = runEndedWithout(over);
      if (record.error) return record;
      const pending = pendingInExport(over, began.messageId);
      if (pending.length === 0 || !this.options.approve) break;
      record.approvals += pending.length;
      next = {
        kind: "approval",
        body: approveAll(chatId, pending),
      };
    }
    record.finished = true;
    return record;
  }

  /** POST `body` and read its stream up to `start` (the answer's id), then close it as a closed tab does. */
  private async begin(
    body: unknown,
  ): Promise<{ messageId: string } | { error: string; broken?: boolean; busy?: boolean }> {
    const tab = new AbortController();
    let response: Response;
    try {
      response = await this.send("/api/chat", {
        method: "POST",
        body: JSON.stringify(body),
        signal: tab.signal,
      });
    } catch (error) {
      return { error: `POST /api/chat failed: ${String(error)}`, broken: true };
    }
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => "");
      return { error: `HTTP ${response.status}: ${text.slice(0, 300)}`, busy: response.status === 409 };
    }
    let messageId: string | undefined;
    await readUIStream(response.body, (chunk) => {
      if (chunk.type !== "start" || messageId) return;
      messageId = chunk.messageId;
      tab.abort();
    });
    return messageId ? { messageId } : { error: "the stream ended before it began" };
  }

  /**
   * Whether the app stored a request whose connection broke: a question (the chat's last question is `text`),
   * or decisions (none of their approval requests is pending any more). Undefined when that cannot be told.
   */
  private async requestStored(text: string, body: unknown): Promise<boolean | undefined> {
    try {
      const response = await this.send(
        `/api/chat/${encodeURIComponent(this.options.chatId)}/export?format=json`,
      );
      if (response.status === 404) return false; // the chat itself was never stored
      if (!response.ok) return undefined;
      const exported = (await response.json()) as ChatExportView;
      const decided = (body as { decisions?: Array<{ approvalRequestId: string }> }).decisions;
      if (!decided) return exported.messages.filter((m) => m.role === "user").at(-1)?.text === text;
      const pending = new Set(exported.messages.flatMap((m) => pendingInExport(exported, m.id)));
      return !decided.some((d) => pending.has(d.approvalRequestId));
    } catch {
      return undefined;
    }
  }

  /** The chat's JSON export once its run is over (the server followed it), looked at every LOOK_EVERY_MS. */
  private async untilRunIsOver(): Promise<ChatExportView | { error: string }> {
    const path = `/api/chat/${encodeURIComponent(this.options.chatId)}/export?format=json`;
    while (Date.now() < this.options.deadline) {
      try {
        const response = await this.send(path);
        if (response.ok) {
          const exported = (await response.json()) as ChatExportView;
          if (exported.lastRun?.state !== "running") return exported;
        } else await response.arrayBuffer();
      } catch {
        // The instance died while answering: look again (the next look goes elsewhere if it is gone).
      }
      await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
    }
    return { error: "the deadline passed before the run was over (nobody watching)" };
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
    let response: Response;
    try {
      response = await this.send(`/api/chat/${encodeURIComponent(this.options.chatId)}/stream`);
    } catch (error) {
      return { kind: "resume", chunks: [], finished: false, error: String(error) };
    }
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
      response = await this.send("/api/chat", { method: "POST", body: JSON.stringify(body) });
    } catch (error) {
      return {
        kind,
        chunks: [],
        finished: false,
        broken: true,
        error: `POST /api/chat failed: ${String(error)}`,
      };
    }
    return this.consume(kind, response, continuing);
  }

  private async consume(
    kind: StreamRecord["kind"],
    response: Response,
    continuing: UIMessage | undefined,
  ): Promise<StreamRecord> {
    if (!response.ok || !response.body) {
      const text = await response.text().catch(() => "");
      return {
        kind,
        chunks: [],
        finished: false,
        busy: response.status === 409,
        error: `HTTP ${response.status}: ${text.slice(0, 300)}`,
      };
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

/** What the soak reads of a chat's JSON export (lib/export/shape.ts). */
interface ChatExportView {
  lastRun?: { state: string; error?: string };
  messages: Array<{
    id: string;
    role: string;
    text: string;
    blocks: Array<{ type: string; approval?: { id: string; decision: string } }>;
  }>;
}

/** Approval requests of the answer `messageId` still waiting for a decision. */
function pendingInExport(exported: ChatExportView, messageId: string): string[] {
  const answer = exported.messages.find((m) => m.id === messageId);
  return (answer?.blocks ?? []).flatMap((block) =>
    block.type === "tool_call" && block.approval?.decision === "pending" ? [block.approval.id] : [],
  );
}

/** Why the chat's run did not complete, as its export says; undefined when it completed. */
function runEndedWithout(exported: ChatExportView): string | undefined {
  const run = exported.lastRun;
  if (!run || run.state === "completed") return undefined;
  return `run ended ${run.state}${run.error ? `: ${run.error}` : ""}`;
}

/** The decisions body of a browser that approves every request in `pending`. */
function approveAll(chatId: string, pending: string[]) {
  return {
    id: chatId,
    decisions: pending.map((approvalRequestId) => ({ approvalRequestId, approve: true })),
  };
}
