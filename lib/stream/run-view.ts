// The one adapter between what lib/chat says about a run and the AI SDK's UI message stream: lib/chat tells a
// RunView what happened (a cycle began, the app ran a tool, the person decided, the run ended…) and never
// writes protocol chunks itself. The engine's own events go through the same view (`streamRunToUI`).

import type { Decision } from "@/lib/background";
import {
  attemptOutcomeId,
  type ChatMessage,
  type RunOutcomeData,
  type RunStatusData,
} from "@/lib/shared/chat";
import type { UpstreamItem } from "@/lib/shared/upstream";
import type { AnswerUsage } from "@/lib/shared/usage";
import { approvalDecisionChunks, type ChatChunk, ToolCallTracker, viewItem } from "./item-parts";
import type { ChunkWriter } from "./ui-response";

/** What a run shows, in the chat's terms. */
export type RunViewEvent =
  /** One background response of the run begins (or, resumed, goes on). */
  | { type: "cycle-started" }
  | { type: "cycle-ended" }
  /** The run's progress; the run clock (below) stamps its time and retrieve count. */
  | { type: "status"; status: RunStatusData["status"] }
  /** An item the run already produced, shown whole (another stream's tool outputs, followed). */
  | { type: "item"; item: UpstreamItem; index: number }
  /** The app ran one of its own tools for the agent. */
  | { type: "tool-ran"; callId: string; result: { output: unknown } | { errorText: string } }
  /** The person decided on approval requests. */
  | { type: "decisions"; decisions: readonly Decision[] }
  /**
   * How this attempt of the answer ended, when that is worth a note on it. `id`: a note that is not this
   * attempt's own (a retry's note replacing the earlier attempt's, in its place).
   */
  | { type: "outcome"; data: RunOutcomeData; id?: string }
  /** The answer's usage so far (cumulative). */
  | { type: "usage"; usage: AnswerUsage }
  /** The answer's metadata as a stream before this one left it (a resumed run goes on from there). */
  | { type: "metadata"; metadata: ChatMessage["metadata"] }
  /** This stream is done with the message (`completed`: the run ended well). Absent: a hand-over follows. */
  | { type: "finished"; completed: boolean };

export interface RunViewOptions {
  /**
   * Tool calls on screen in this message, across the run's cycles: those of the message it continues (an
   * approval's, a retry's), or none yet.
   */
  calls?: ToolCallTracker;
  clientTools?: ReadonlySet<string>;
  /**
   * One clock for every status part of the run: elapsed time from when the stored run began and the run's
   * retrieves so far (the engine's own count starts again with each cycle and each stream).
   */
  runClock?: { startedAt: number; now: () => number; polls?: () => number };
  /** Which attempt of the answer this is: a retry's outcome note must not overwrite the one before it. */
  attempt?: number;
}

export class RunView {
  readonly calls: ToolCallTracker;
  readonly clientTools: ReadonlySet<string>;
  /** The chunk writer the engine's events are turned into (status parts carry the run clock). */
  readonly writer: ChunkWriter;

  constructor(
    private readonly out: ChunkWriter,
    private readonly options: RunViewOptions,
  ) {
    this.calls = options.calls ?? new ToolCallTracker(options.runClock?.now);
    this.clientTools = options.clientTools ?? new Set();
    this.writer = { write: (chunk) => this.write(chunk) };
  }

  show(event: RunViewEvent): void {
    for (const chunk of this.chunksOf(event)) this.out.write(this.withRunClock(chunk));
  }

  /**
   * The answer so far, rebuilt from the stored history: a resumed stream starts by replaying it whole (the
   * browser resets the message on `start`), then continues live. Text comes at once, no reveal. `stored`: the
   * stored message, whose retry notes go back where each retry began (they are no upstream items) and whose
   * tool calls keep their times.
   */
  replay(items: readonly UpstreamItem[], stored?: ChatMessage): void {
    this.show({ type: "cycle-started" });
    this.calls.rememberTimes(stored);
    const notes = (stored?.parts ?? []).flatMap((part) =>
      part.type === "data-run-outcome" && part.data.status === "retried" ? [part] : [],
    );
    /** The notes of the retries that began before item `index` (past the end: after the last item). */
    const notesAt = (index: number) => {
      for (const note of notes)
        if (Math.min(note.data.atItem ?? 0, items.length) === index)
          this.show({ type: "outcome", id: note.id ?? "run-outcome", data: note.data });
    };
    items.forEach((item, index) => {
      notesAt(index);
      this.show({ type: "item", item, index });
    });
    notesAt(items.length);
  }

  private chunksOf(event: RunViewEvent): ChatChunk[] {
    switch (event.type) {
      case "cycle-started":
        return [{ type: "start-step" }];
      case "cycle-ended":
        return [{ type: "finish-step" }];
      case "status":
        return [
          {
            type: "data-run-status",
            id: "run-status",
            transient: true,
            data: { status: event.status, elapsedMs: 0, polls: 0 },
          },
        ];
      case "item": {
        const view = viewItem(event.item, event.index, this.calls, this.clientTools);
        if (!view) return [];
        if (view.kind === "chunks") return view.chunks;
        return [
          { type: "text-start", id: view.id },
          { type: "text-delta", id: view.id, delta: view.text },
          { type: "text-end", id: view.id },
          ...view.after,
        ];
      }
      case "tool-ran":
        return this.calls.output(event.callId, event.result, "client");
      case "decisions":
        return event.decisions.flatMap((decision) => approvalDecisionChunks(decision, this.calls));
      case "outcome":
        return [{ type: "data-run-outcome", id: event.id ?? this.outcomeId, data: event.data }];
      case "usage":
        return [{ type: "message-metadata", messageMetadata: { usage: event.usage } }];
      case "metadata":
        return [{ type: "message-metadata", messageMetadata: event.metadata }];
      case "finished":
        return [{ type: "finish", finishReason: event.completed ? "stop" : "other" }];
    }
  }

  /** This attempt's outcome part id: a retry's must not overwrite the note of the attempt before it. */
  private get outcomeId(): string {
    return attemptOutcomeId(this.options.attempt ?? 1);
  }

  /** What the engine's events become (`streamRunToUI`): the run clock on status parts, the attempt's id on the outcome. */
  private write(chunk: ChatChunk): void {
    const outcome = chunk.type === "data-run-outcome" && chunk.id === "run-outcome";
    this.out.write(this.withRunClock(outcome ? { ...chunk, id: this.outcomeId } : chunk));
  }

  private withRunClock(chunk: ChatChunk): ChatChunk {
    const { runClock } = this.options;
    if (chunk.type === "data-run-status" && runClock) {
      return {
        ...chunk,
        data: {
          ...chunk.data,
          elapsedMs: runClock.now() - runClock.startedAt,
          startedAt: runClock.startedAt,
          polls: runClock.polls?.() ?? chunk.data.polls,
        },
      };
    }
    return chunk;
  }
}
