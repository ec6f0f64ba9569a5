import { z } from "zod";
import {
  CHAT_ID_PATTERN,
  MAX_REASON_CHARS,
  POLL_INTERVAL_CHOICES_MS,
  REVEAL_SPEEDS,
  type TurnSettings,
} from "./chat";

// What the browser may send, as schemas: the server's side of the chat's requests. Apart from chat.ts, so the
// page's scripts, which import chat.ts, do not carry the schema library.

const chatIdSchema = z
  .string()
  .regex(CHAT_ID_PATTERN, { error: "Chat id must be 1-64 letters, digits, '-' or '_'." });

const userMessageSchema = z.object({
  id: z.string().min(1).max(128),
  role: z.literal("user", { error: "Only user messages can be sent." }),
  parts: z
    .array(z.object({ type: z.literal("text"), text: z.string() }).loose())
    .min(1, { error: "The message has no text." })
    .max(16),
});

/** A person's answer to one MCP approval request: the only thing the browser sends for an approval. */
export const approvalDecisionSchema = z
  .object({
    approvalRequestId: z
      .string()
      .min(1)
      .max(64, { error: "Approval request ids are at most 64 characters." }),
    approve: z.boolean({ error: "approve must be true or false." }),
    reason: z
      .string()
      .trim()
      .max(MAX_REASON_CHARS, { error: `A reason is at most ${MAX_REASON_CHARS} characters.` })
      .optional(),
  })
  .strict();

export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

/**
 * A person's run settings, sent with each turn (and on a resume, as query parameters). Only these values are
 * accepted: an interval the upstream would be hammered with, or a reveal of unbounded length, is refused.
 */
const POLL_INTERVAL_ERROR = "pollIntervalMs must be 2000, 10000 or 30000 (a check every 2 s, 10 s or 30 s).";

const pollIntervalSchema = z.literal(POLL_INTERVAL_CHOICES_MS, { error: POLL_INTERVAL_ERROR });

const turnSettingsShape = {
  pollIntervalMs: pollIntervalSchema.optional(),
  revealSpeed: z
    .enum(REVEAL_SPEEDS, { error: `revealSpeed must be one of: ${REVEAL_SPEEDS.join(", ")}.` })
    .optional(),
};

const messageRequestSchema = z
  .object({ id: chatIdSchema, message: userMessageSchema, ...turnSettingsShape })
  .strict();

const decisionsRequestSchema = z
  .object({
    id: chatIdSchema,
    decisions: z
      .array(approvalDecisionSchema)
      .min(1, { error: "No decisions were sent." })
      .max(32, { error: "Too many decisions in one request." }),
    ...turnSettingsShape,
  })
  .strict();

/** Run the last answer again after its run ended early (expired, failed, stopped…). */
const retryRequestSchema = z
  .object({ id: chatIdSchema, retry: z.literal(true), ...turnSettingsShape })
  .strict();

const messageIdSchema = z
  .string({ error: "messageId must be the id of a message in this chat." })
  .min(1, { error: "messageId must be the id of a message in this chat." })
  .max(128, { error: "Message ids are at most 128 characters." });

/** Edit and resend: the user message `messageId` is asked again as `message`, in a new version. */
const editRequestSchema = z
  .object({
    id: chatIdSchema,
    edit: z.object({ messageId: messageIdSchema, message: userMessageSchema }).strict(),
    ...turnSettingsShape,
  })
  .strict();

/** A new version of the answer `messageId` (or of the answer to the user message `messageId`). */
const regenerateRequestSchema = z
  .object({
    id: chatIdSchema,
    regenerate: z.object({ messageId: messageIdSchema }).strict(),
    ...turnSettingsShape,
  })
  .strict();

export type ChatRequest =
  | z.infer<typeof messageRequestSchema>
  | z.infer<typeof decisionsRequestSchema>
  | z.infer<typeof retryRequestSchema>
  | z.infer<typeof editRequestSchema>
  | z.infer<typeof regenerateRequestSchema>;

/**
 * What the browser may send for a turn: the chat id and either the new user message, the decisions on the
 * pending approval requests, a retry of the last answer, an edit of one of the person's messages or a
 * regenerate of an answer. Never the history, never assistant or system messages. The shape is chosen by its
 * key first, so the error names what is wrong with that shape.
 */
export function parseChatRequest(body: unknown) {
  const has = (key: string) => typeof body === "object" && body !== null && key in body;
  const schema = has("decisions")
    ? decisionsRequestSchema
    : has("retry")
      ? retryRequestSchema
      : has("edit")
        ? editRequestSchema
        : has("regenerate")
          ? regenerateRequestSchema
          : messageRequestSchema;
  return schema.safeParse(body) as
    | { success: true; data: ChatRequest }
    | { success: false; error: z.ZodError };
}

/** `POST /api/chat/{id}/versions`: show version `version` (1-based) of the message `messageId`. */
const versionSwitchSchema = z
  .object({
    messageId: messageIdSchema,
    version: z
      .number({ error: "version must be a whole number from 1." })
      .int({ error: "version must be a whole number from 1." })
      .min(1, { error: "version must be a whole number from 1." })
      .max(10_000, { error: "There is no such version." }),
  })
  .strict();

export function parseVersionSwitch(body: unknown) {
  return versionSwitchSchema.safeParse(body);
}

const resumeSettingsSchema = z
  .object({
    pollIntervalMs: z
      .string()
      .regex(/^\d{1,6}$/, { error: POLL_INTERVAL_ERROR })
      .transform(Number)
      .pipe(pollIntervalSchema),
    revealSpeed: turnSettingsShape.revealSpeed,
  })
  .partial()
  .strict();

/**
 * The run settings of a resumed stream (`GET /api/chat/{id}/stream` has no body): the same fields as a turn's,
 * as query parameters, validated against the same choices. Unknown parameters are refused like unknown fields.
 */
export function parseResumeSettings(params: URLSearchParams) {
  return resumeSettingsSchema.safeParse(Object.fromEntries(params)) as
    | { success: true; data: TurnSettings }
    | { success: false; error: z.ZodError };
}
