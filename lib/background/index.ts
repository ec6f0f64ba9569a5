export {
  approvalResponseItem,
  checkDecisions,
  type Decision,
  type DecisionCheck,
  pendingApprovalRequests,
} from "./approvals";
export { createEchoFilter, type EchoFilter, noEcho } from "./echo";
export { describeUpstreamError, type UpstreamErrorInfo } from "./errors";
export { toUpstreamInput, userMessageItem } from "./history";
export {
  maxRunMsOf,
  type PollEvent,
  type PollOptions,
  pollBackgroundResponse,
  type RunOutcome,
} from "./poll";
export { ExtraLookAllowance } from "./schedule";
export { type StreamFollowOptions, streamBackgroundResponse } from "./stream";
export {
  type StartedRun,
  type SubmitRequest,
  startBackgroundRun,
  startIdempotentRun,
  streamsRuns,
  submitBackgroundResponse,
} from "./submit";
export { systemClock } from "./system-clock";
export {
  type BackgroundClient,
  type BackgroundCreateBody,
  type Clock,
  CONVERSATION_MOVED_EVENT,
  type ConversationRef,
  type CreateOptions,
  type DiscardReason,
  OUTPUT_DISCARDED_EVENT,
  type StreamingClient,
  type UpstreamEventStream,
  type UpstreamStreamEvent,
} from "./types";
