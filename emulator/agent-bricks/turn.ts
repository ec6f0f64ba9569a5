// What an invocation's `input` asks the template agent (the OpenAI adapter) to do: answer a new turn, resume a
// paused one with decisions, or nothing it can run. The runtime accepts any JSON; the adapter is what refuses,
// so a refusal fails the run rather than the request.

import { lastUserText } from "../input";
import type { JsonObject } from "../types";

/** One tool call a paused run waits on, as the interrupt lists it (plus the MCP server it belongs to). */
export interface ActionRequest {
  name: string;
  args: JsonObject;
  call_id: string;
  server: string;
}

export interface Decision {
  call_id: string;
  approve: boolean;
  message?: string;
}

export type Turn =
  | { kind: "question"; question: string }
  | { kind: "resume"; decisions: unknown }
  /** The adapter raised before the agent ran: the run fails with this reason. */
  | { kind: "refused"; reason: string };

export const NO_SESSION = "session_id must be provided as a top-level invocation field";
export const DECISION_COUNT = "Provide exactly one decision for each pending tool call.";
export const DECISION_MISMATCH = "Invalid approval decision or mismatched pending tool call.";
export const PAUSE_PENDING = "Resolve the pending approval before starting another turn.";
export const NOTHING_PAUSED = "There is no paused run in this session to resume.";

/** The adapter's reading of `input`, in its order: the payload's shape, the session, the actor, then the turn. */
export function readTurn(input: unknown, sessionId: string | null): Turn {
  const payload = Array.isArray(input) ? { messages: input } : input;
  if (typeof payload !== "object" || payload === null) {
    return { kind: "refused", reason: "input must be a message list or an object" };
  }
  if (sessionId === null) return { kind: "refused", reason: NO_SESSION };
  const fields = payload as JsonObject;
  // `actor` falls back to the session when empty; `model` would pick another model: neither changes a scenario.
  if (fields.actor && typeof fields.actor !== "string") {
    return { kind: "refused", reason: "actor must be a non-empty string" };
  }
  const resume = fields.resume;
  if (resume !== undefined && resume !== null && (typeof resume !== "object" || Array.isArray(resume))) {
    return { kind: "refused", reason: "resume must be an object" };
  }
  const messages = fields.messages || [];
  if (!Array.isArray(messages)) return { kind: "refused", reason: "messages must be a list" };
  if (resume !== undefined && resume !== null)
    return { kind: "resume", decisions: (resume as JsonObject).decisions };
  const items = messages.filter((item): item is JsonObject => typeof item === "object" && item !== null);
  return { kind: "question", question: lastUserText(items) };
}

/** The decisions checked against the pause, all before any is applied; a string is the reason they fail. */
export function checkDecisions(decisions: unknown, pending: readonly ActionRequest[]): Decision[] | string {
  if (!Array.isArray(decisions) || decisions.length !== pending.length) return DECISION_COUNT;
  const checked: Decision[] = [];
  for (const [index, raw] of decisions.entries()) {
    const request = pending[index];
    if (typeof raw !== "object" || raw === null || !request) return DECISION_MISMATCH;
    const { type, call_id, message } = raw as JsonObject;
    if ((type !== "approve" && type !== "reject") || call_id !== request.call_id) return DECISION_MISMATCH;
    if (message !== undefined && message !== null && typeof message !== "string") return DECISION_MISMATCH;
    checked.push({
      call_id,
      approve: type === "approve",
      ...(typeof message === "string" ? { message } : {}),
    });
  }
  return checked;
}

/** `input` as items for `inspect()`: the messages it carries, else the input itself. */
export function inputItems(input: unknown): JsonObject[] {
  const isObject = (value: unknown): value is JsonObject =>
    typeof value === "object" && value !== null && !Array.isArray(value);
  if (Array.isArray(input)) return input.filter(isObject);
  if (isObject(input)) return Array.isArray(input.messages) ? input.messages.filter(isObject) : [input];
  return [{ input }];
}
