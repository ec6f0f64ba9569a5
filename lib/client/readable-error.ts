/** Route errors arrive as `{error: {message}}` JSON in the error's text; show the sentence, not the JSON. */
export function readableError(error: Error): string {
  try {
    const parsed = JSON.parse(error.message) as { error?: { message?: string } };
    if (parsed.error?.message) return parsed.error.message;
  } catch {
    // not JSON: a network failure or a plain-text error
  }
  return error.message || "Something went wrong.";
}

/**
 * Whether a route refused a request before storing anything of it, by the error's code: the chat was busy, its
 * person is over a limit, or their sign-in has ended. The message sent is then the person's only copy: it goes
 * back in the box.
 */
export function refusedBeforeStoring(error: Error): boolean {
  try {
    const code = (JSON.parse(error.message) as { error?: { code?: string } }).error?.code;
    return code === "rate_limited" || code === "conflict" || code === "unauthorized";
  } catch {
    return false;
  }
}
