import type { UpstreamItem } from "@/lib/shared/upstream";

/** The history items of the turn in progress: everything after the last user message. */
export function currentTurnItems(history: readonly UpstreamItem[]): UpstreamItem[] {
  let lastUser = -1;
  history.forEach((item, index) => {
    if (item.type === "message" && item.role === "user") lastUser = index;
  });
  return history.slice(lastUser + 1);
}
