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
