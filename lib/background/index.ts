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
export { type PollEvent, type PollOptions, pollBackgroundResponse, type RunOutcome } from "./poll";
export { type StreamFollowOptions, streamBackgroundResponse } from "./stream";
export {
  type StartedRun,
  type SubmitRequest,
  startBackgroundRun,
  streamsRuns,
  submitBackgroundResponse,
} from "./submit";
export {
  type BackgroundClient,
  type BackgroundCreateBody,
  type Clock,
  type StreamingClient,
  systemClock,
  type UpstreamEventStream,
  type UpstreamStreamEvent,
} from "./types";
