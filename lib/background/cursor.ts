import type { UpstreamItem } from "@/lib/shared/upstream";
import type { EchoFilter } from "./echo";

/** Item statuses that mean "still being produced" (quirk 2 in docs/upstreams.md); anything else, or none, is finished. */
const UNFINISHED_STATUSES = new Set([
  "queued",
  "in_progress",
  "incomplete",
  "calling",
  "searching",
  "generating",
]);

/** Items that legitimately never carry an id (quirk 2's exception). */
const ID_LESS_TYPES = new Set(["function_call_output", "mcp_approval_response"]);

export function isFinishedItem(item: UpstreamItem): boolean {
  if (typeof item.status === "string" && UNFINISHED_STATUSES.has(item.status)) return false;
  if ((item.id === null || item.id === undefined || item.id === "") && !ID_LESS_TYPES.has(item.type))
    return false;
  return true;
}

export interface NewItems {
  /** New, non-echo items in output order, each with its index in `output`. */
  items: Array<{ item: UpstreamItem; index: number }>;
  /** Output index to continue from on the next poll. */
  cursor: number;
}

/**
 * The items after `cursor` that are ready to show. While the run is live, stop at the first unfinished item:
 * items behind it may be out of order, so they wait for a later poll. Once the response is terminal nothing will
 * change any more, so everything left is taken (an `incomplete` message is the truncated answer, still the user's).
 */
export function takeNewItems(
  output: readonly UpstreamItem[],
  cursor: number,
  echo: EchoFilter,
  responseIsTerminal: boolean,
): NewItems {
  const mask = echo.echoMask(output);
  const items: NewItems["items"] = [];
  let next = cursor;
  for (; next < output.length; next++) {
    const item = output[next] as UpstreamItem;
    if (mask[next]) continue; // an echo is a finished copy, whatever its fields say
    if (!responseIsTerminal && !isFinishedItem(item)) break;
    items.push({ item, index: next });
  }
  return { items, cursor: next };
}
