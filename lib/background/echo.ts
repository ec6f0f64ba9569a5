import { isMessageItem, messageText, type UpstreamItem } from "@/lib/shared/upstream";

/**
 * Quirk 1 in docs/upstreams.md: the Supervisor API starts a background response's output with copies of the input's assistant
 * messages, function calls and outputs (and maybe approval items). They were shown in earlier turns and must
 * never be shown again.
 *
 * The mask is computed from the whole output every time (no state), so resuming from a stored cursor gives the
 * same answer as polling from the start. Ids and call_ids decide where they exist; an assistant message without a
 * matching id falls back to its text, only in the leading run of echoes, each input message matching at most once,
 * so a new answer that happens to repeat an old one is still shown.
 */
export interface EchoFilter {
  /** `mask[i]` is true when `output[i]` is an echo of the input. */
  echoMask(output: readonly UpstreamItem[]): boolean[];
}

const CALL_TYPES = new Set(["function_call", "function_call_output"]);

export function createEchoFilter(input: readonly UpstreamItem[]): EchoFilter {
  const ids = new Set<string>();
  const callKeys = new Set<string>();
  const approvalAnswers = new Set<string>();
  const assistantTexts: string[] = [];
  for (const item of input) {
    if (typeof item.id === "string" && item.id) ids.add(item.id);
    if (CALL_TYPES.has(item.type) && typeof item.call_id === "string")
      callKeys.add(`${item.type}:${item.call_id}`);
    if (item.type === "mcp_approval_response" && typeof item.approval_request_id === "string") {
      approvalAnswers.add(item.approval_request_id);
    }
    if (isMessageItem(item) && item.role === "assistant") assistantTexts.push(messageText(item));
  }

  const matchesByKey = (item: UpstreamItem) =>
    (typeof item.id === "string" && ids.has(item.id)) ||
    (CALL_TYPES.has(item.type) &&
      typeof item.call_id === "string" &&
      callKeys.has(`${item.type}:${item.call_id}`)) ||
    (item.type === "mcp_approval_response" &&
      typeof item.approval_request_id === "string" &&
      approvalAnswers.has(item.approval_request_id));

  return {
    echoMask(output) {
      const unusedTexts = [...assistantTexts];
      let inLeadingEchoes = true;
      return output.map((item) => {
        let echo = matchesByKey(item);
        if (!echo && inLeadingEchoes && isMessageItem(item) && item.role === "assistant") {
          const at = unusedTexts.indexOf(messageText(item));
          if (at >= 0) {
            unusedTexts.splice(at, 1);
            echo = true;
          }
        }
        if (!echo) inLeadingEchoes = false;
        return echo;
      });
    },
  };
}

/** For upstreams that never echo (OpenAI): nothing is an echo. */
export const noEcho: EchoFilter = { echoMask: (output) => output.map(() => false) };
