import { type DiscardReason, OUTPUT_DISCARDED_EVENT, type UpstreamStreamEvent } from "@/lib/background";
import { isMessageItem, messageText, type UpstreamItem } from "@/lib/shared/upstream";

/** An assistant message the agent is writing, known by the key its deltas carry. */
interface OpenMessage {
  key: string;
  id: string;
  text: string;
}

/**
 * Builds a run's output, in the Responses shape the engine follows, from an agent server's events: its
 * finished items, and the text of the message it is writing. The agent servers give no output index that
 * holds for a whole run (LongRunningAgentServer's restarts at each model turn, and tool outputs have none;
 * Agent Bricks has none at all), so indexes are given here, in the order items finish: the order of the
 * server's own final output (GET), so polling and streaming agree on the cursor.
 *
 * The message being written is announced at the next free index (the cursor, where the engine streams text
 * live). If another item finishes first, it takes that index: the message's streamed text is voided there
 * (`output.discarded`, reason `moved`) and announced again, with its text so far, at the next index.
 */
export class OutputAssembler {
  private readonly finished: UpstreamItem[] = [];
  private readonly usedIds = new Set<string>();
  private open: OpenMessage[] = [];
  /** The open message announced at index `finished.length`. */
  private holder: OpenMessage | undefined;

  /** A piece of text for the message known as `key`. */
  text(key: string, delta: string, sequence?: number): UpstreamStreamEvent[] {
    if (!delta) return [];
    let message = this.open.find((m) => m.key === key);
    if (!message) {
      message = { key, id: key, text: "" };
      this.open.push(message);
    }
    message.text += delta;
    if (this.holder === message) return [this.delta(message, delta, sequence)];
    if (!this.holder) return this.announce(message, sequence);
    return []; // another message is on screen: this one shows when it finishes or gets the index
  }

  /** A message the agent began (announced, no text yet): it is matched to its text and final item later. */
  begin(key: string): void {
    if (!this.open.some((m) => m.key === key)) this.open.push({ key, id: key, text: "" });
  }

  /**
   * A finished item. A message is matched to the open one with its key, else to an open one whose text it
   * continues (servers do not always give a finished message the id its deltas had).
   */
  finish(item: UpstreamItem, key?: string, sequence?: number): UpstreamStreamEvent[] {
    const message = isMessageItem(item) ? this.matchOpen(item, key) : undefined;
    if (message) this.open = this.open.filter((m) => m !== message);
    const index = this.finished.length;
    const events: UpstreamStreamEvent[] = [];
    const bumped = this.holder && this.holder !== message ? this.holder : undefined;
    if (bumped) events.push(discarded(index, "moved", sequence));
    const done = this.normalise(item, message?.id, index);
    this.finished.push(done);
    events.push({ type: "response.output_item.done", output_index: index, item: done, ...seq(sequence) });
    this.holder = undefined;
    // The message still being written (the bumped one, or one that waited) goes on at the next index.
    const next = this.open.find((m) => m.text);
    if (next) events.push(...this.announce(next, sequence));
    return events;
  }

  /** The agent's worker died: what it was writing will never finish (a new attempt writes it again). */
  discardUnfinished(sequence?: number): UpstreamStreamEvent[] {
    const events = this.holder ? [discarded(this.finished.length, "restarted", sequence)] : [];
    this.open = [];
    this.holder = undefined;
    return events;
  }

  /**
   * The run's output: its finished items and, at its end, any message that was written but never finished
   * (a LangGraph agent that writes text and then calls tools in the same turn never finishes that text).
   */
  output({ withUnfinished }: { withUnfinished: boolean }): UpstreamItem[] {
    const unfinished = withUnfinished
      ? this.open
          .filter((m) => m.text)
          .map((m, i) => this.normalise(assistantMessage(m.id, m.text), m.id, this.finished.length + i))
      : [];
    return [...this.finished, ...unfinished];
  }

  private announce(message: OpenMessage, sequence?: number): UpstreamStreamEvent[] {
    this.holder = message;
    const index = this.finished.length;
    const item = { type: "message", role: "assistant", id: message.id, status: "in_progress", content: [] };
    const events: UpstreamStreamEvent[] = [
      { type: "response.output_item.added", output_index: index, item, ...seq(sequence) },
    ];
    if (message.text) events.push(this.delta(message, message.text, sequence));
    return events;
  }

  private delta(message: OpenMessage, delta: string, sequence?: number): UpstreamStreamEvent {
    const output_index = this.finished.length;
    return { type: "response.output_text.delta", output_index, item_id: message.id, delta, ...seq(sequence) };
  }

  private matchOpen(item: UpstreamItem, key?: string): OpenMessage | undefined {
    const byKey = key !== undefined ? this.open.find((m) => m.key === key) : undefined;
    if (byKey) return byKey;
    const text = messageText(item as Parameters<typeof messageText>[0]);
    const continues = (m: OpenMessage) => m.text !== "" && text.startsWith(m.text);
    if (this.holder && continues(this.holder)) return this.holder;
    return this.open.find(continues);
  }

  /** Ids the engine and UI can rely on: an assistant message has one, and no two items share one. */
  private normalise(item: UpstreamItem, id: string | undefined, index: number): UpstreamItem {
    let itemId = id ?? (typeof item.id === "string" && item.id ? item.id : undefined);
    const needsId = item.type !== "function_call_output" && item.type !== "mcp_approval_response";
    if (itemId && this.usedIds.has(itemId)) itemId = `${itemId}-${index}`;
    if (!itemId && needsId) itemId = `item-${index}`;
    if (itemId) this.usedIds.add(itemId);
    const done: UpstreamItem = { ...item, ...(itemId ? { id: itemId } : {}) };
    if (isMessageItem(done) && done.status !== "incomplete") done.status = "completed";
    return done;
  }
}

export function assistantMessage(id: string, text: string): UpstreamItem {
  return {
    type: "message",
    role: "assistant",
    id,
    status: "completed",
    content: [{ type: "output_text", text, annotations: [] }],
  };
}

function discarded(index: number, reason: DiscardReason, sequence?: number): UpstreamStreamEvent {
  return { type: OUTPUT_DISCARDED_EVENT, output_index: index, reason, ...seq(sequence) };
}

const seq = (sequence?: number) => (sequence === undefined ? {} : { sequence_number: sequence });
