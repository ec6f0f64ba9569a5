// What lib/chat refuses, said in the chat's own terms. The HTTP layer (lib/http/errors.ts) maps each kind to a
// status; lib/chat never speaks HTTP itself.

import { namedError } from "@/lib/shared/named-error";

/**
 * - `invalid`: the request cannot be acted on as asked (nothing to answer again, an answer to edit);
 * - `missing`: something it names is not there (a message, a version, an approval request);
 * - `conflict`: the chat is not in a state that allows it (nothing to retry, a decision already made).
 */
export type ChatRefusalKind = "invalid" | "missing" | "conflict";

export class ChatRefusal extends namedError("ChatRefusal") {
  constructor(
    readonly kind: ChatRefusalKind,
    message: string,
  ) {
    super(message);
  }
}
