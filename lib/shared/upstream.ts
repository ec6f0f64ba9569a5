/**
 * The slice of the background Responses wire format the app reads. Deliberately loose: upstreams add
 * fields and item types over time, and an unknown item must never be fatal (docs/upstreams.md, quirk 6).
 */

export type ResponseStatus = "queued" | "in_progress" | "completed" | "failed" | "cancelled" | "incomplete";

export interface UpstreamItem {
  type: string;
  id?: string | null;
  status?: string | null;
  [field: string]: unknown;
}

export interface UpstreamResponse {
  id: string;
  status: ResponseStatus | (string & {});
  output: UpstreamItem[];
  error?: { code?: string | null; message?: string | null } | null;
  incomplete_details?: { reason?: string | null } | null;
  [field: string]: unknown;
}

/** Everything but `queued` and `in_progress` is terminal, including statuses we have never seen. */
export function isTerminalStatus(status: string): boolean {
  return status !== "queued" && status !== "in_progress";
}

export interface MessageItem extends UpstreamItem {
  type: "message";
  role: string;
  content: Array<{ type: string; text?: string; refusal?: string; [field: string]: unknown }>;
}

export function isMessageItem(item: UpstreamItem): item is MessageItem {
  return item.type === "message" && Array.isArray(item.content);
}

/** The visible text of a message item: output_text joined, refusals included. */
export function messageText(item: MessageItem): string {
  return item.content
    .map((part) =>
      typeof part.text === "string" ? part.text : typeof part.refusal === "string" ? part.refusal : "",
    )
    .join("");
}
