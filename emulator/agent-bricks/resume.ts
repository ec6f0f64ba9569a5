// The run that continues a paused turn. The decisions are phrased as the Responses API's approval items so the
// emulator's one approval follow-up (the tools' results, the answer about them) serves every flavour alike.

import { followUpTimeline } from "../followups";
import type { Timeline } from "../timeline";
import type { ActionRequest, Decision } from "./turn";

export function resumeTimeline(pause: readonly ActionRequest[], decisions: readonly Decision[]): Timeline {
  const requests = pause.map((request) => ({
    type: "mcp_approval_request",
    id: request.call_id,
    server_label: request.server,
    name: request.name,
    arguments: JSON.stringify(request.args),
  }));
  const responses = decisions.map((decision) => ({
    type: "mcp_approval_response",
    approval_request_id: decision.call_id,
    approve: decision.approve,
    ...(decision.message ? { reason: decision.message } : {}),
  }));
  const timeline = followUpTimeline([...requests, ...responses]);
  if (!timeline) throw new Error("A resume always has decisions to follow up on.");
  return timeline;
}
