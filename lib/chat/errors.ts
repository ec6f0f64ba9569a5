// What lib/chat refuses, said in the chat's own terms. The HTTP layer (lib/http/errors.ts) maps each kind to a
// status; lib/chat never speaks HTTP itself.

/**
 * - `invalid`: the request cannot be acted on as asked (nothing to answer again, an answer to edit);
 * - `missing`: something it names is not there (a message, a version, an approval request);
 * - `conflict`: the chat is not in a state that allows it (nothing to retry, a decision already made).
 */
export type ChatRefusalKind = "invalid" | "missing" | "conflict";

export class ChatRefusal extends Error {
  constructor(
    readonly kind: ChatRefusalKind,
    message: string,
  ) {
    super(message);
    this.name = "ChatRefusal";
  }

  /** By name, not `instanceof`: a production bundle can hold two copies of this module (see ChatNotFoundError). */
  static is(err: unknown): err is ChatRefusal {
    return err instanceof Error && err.name === "ChatRefusal";
  }
}
