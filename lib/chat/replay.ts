import type { ChatMessage } from "@/lib/shared/chat";
import type { UpstreamItem } from "@/lib/shared/upstream";
import { type ChatChunk, type ToolCallTracker, viewItem } from "@/lib/stream/item-parts";

/** The history items of the turn in progress: everything after the last user message. */
export function currentTurnItems(history: readonly UpstreamItem[]): UpstreamItem[] {
  let lastUser = -1;
  history.forEach((item, index) => {
    if (item.type === "message" && item.role === "user") lastUser = index;
  });
  return history.slice(lastUser + 1);
}

/**
 * The assistant message so far, rebuilt from the server's history: a resumed stream starts by replaying it
 * whole (the browser resets the message on `start`), then continues live. Text comes at once, no reveal.
 */
export function replayTurn(
  items: readonly UpstreamItem[],
  calls: ToolCallTracker,
  clientTools: ReadonlySet<string>,
  /** The stored message: its retry notes go back where each retry began (they are no upstream items). */
  stored?: ChatMessage,
): ChatChunk[] {
  const chunks: ChatChunk[] = [{ type: "start-step" }];
  calls.rememberTimes(stored);
  const notes = (stored?.parts ?? []).flatMap((part) =>
    part.type === "data-run-outcome" && part.data.status === "retried" ? [part] : [],
  );
  /** The notes of the retries that began before item `index` (past the end: after the last item). */
  const notesAt = (index: number) => {
    for (const note of notes) {
      if (Math.min(note.data.atItem ?? 0, items.length) === index)
        chunks.push({ type: "data-run-outcome", id: note.id ?? "run-outcome", data: note.data });
    }
  };
  items.forEach((item, index) => {
    notesAt(index);
    const view = viewItem(item, index, calls, clientTools);
    if (view?.kind === "text") {
      chunks.push(
        { type: "text-start", id: view.id },
        { type: "text-delta", id: view.id, delta: view.text },
        { type: "text-end", id: view.id },
        ...view.after,
      );
    } else if (view) {
      chunks.push(...view.chunks);
    }
  });
  notesAt(items.length);
  return chunks;
}
