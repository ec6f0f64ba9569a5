"use client";

import { memo } from "react";
import { isApprovalPart, isStepPart, stepsHeader } from "@/lib/client/run-progress";
import { type ChatMessage, discardedTextReason } from "@/lib/shared/chat";
import { AnswerUsage } from "./answer-usage";
import { ApprovalCard, type DecideFn } from "./approval-card";
import { CopyButton } from "./copy-button";
import { Markdown } from "./deferred-markdown";
import { AnswerActions, type RegenerateFn } from "./message-actions";
import { messageMarkdown } from "./message-text";
import { RunOutcomeNotice } from "./run-outcome";
import { ToolCard } from "./tool-card";
import { type EditFn, UserMessage } from "./user-message";
import { type SwitchVersionFn, type VersionPosition, VersionSwitcher } from "./version-switcher";

type Part = ChatMessage["parts"][number];

/** A tool call waiting for the person's decision (the AI SDK's `isToolUIPart`, without loading the SDK for it). */
const awaitsApproval = (part: Part) =>
  (part.type === "dynamic-tool" || part.type.startsWith("tool-")) &&
  "state" in part &&
  part.state === "approval-requested";

type Segment =
  | { kind: "part"; part: Part; index: number }
  | { kind: "steps"; parts: Array<{ part: Part; index: number }> };

function segment(parts: Part[]): Segment[] {
  const segments: Segment[] = [];
  parts.forEach((part, index) => {
    if (part.type === "step-start") return;
    const last = segments.at(-1);
    if (isStepPart(part)) {
      if (last?.kind === "steps") last.parts.push({ part, index });
      else segments.push({ kind: "steps", parts: [{ part, index }] });
    } else {
      segments.push({ kind: "part", part, index });
    }
  });
  return segments;
}

function PartView({
  part,
  onDecide,
  onRetry,
  othersUndecided,
}: {
  part: Part;
  onDecide: DecideFn;
  onRetry?: () => void;
  othersUndecided: boolean;
}) {
  switch (part.type) {
    case "text": {
      const discarded = discardedTextReason(part);
      if (discarded === "moved") return null;
      if (discarded === "restarted") {
        // What a crashed attempt of the agent had written of an answer it never finished: the new attempt
        // writes it again, so it is not shown twice.
        return (
          <p className="text-xs text-zinc-500 dark:text-zinc-400" data-discarded-draft>
            The agent's worker restarted mid-answer; it picked the run up again and its unfinished text was
            set aside.
          </p>
        );
      }
      return <Markdown text={part.text} writing={part.state === "streaming"} />;
    }
    case "reasoning":
      return (
        <details className="text-sm text-zinc-600 dark:text-zinc-400">
          <summary className="cursor-pointer">Reasoning</summary>
          <p className="mt-1 whitespace-pre-wrap">{part.text}</p>
        </details>
      );
    case "dynamic-tool":
      return isApprovalPart(part) ? (
        <ApprovalCard part={part} onDecide={onDecide} othersUndecided={othersUndecided} />
      ) : (
        <ToolCard part={part} />
      );
    case "source-url":
      return (
        <a
          href={part.url}
          target="_blank"
          rel="noopener noreferrer nofollow"
          className="block text-sm text-blue-700 underline dark:text-blue-400"
        >
          {part.title ?? part.url}
        </a>
      );
    case "data-run-outcome":
      return <RunOutcomeNotice outcome={part.data} onRetry={onRetry} />;
    case "data-mcp-tools":
      return (
        <details
          className="rounded-md border border-zinc-200 text-sm dark:border-zinc-800"
          data-mcp-tools={part.data.serverLabel}
        >
          <summary className="cursor-pointer px-3 py-2">
            <span className="font-mono">{part.data.serverLabel}</span> offers {part.data.tools.length} tool
            {part.data.tools.length === 1 ? "" : "s"}
          </summary>
          <ul className="px-3 pb-2">
            {part.data.tools.map((tool) => (
              <li key={tool.name}>
                <span className="font-mono">{tool.name}</span>
                {tool.description ? ` — ${tool.description}` : ""}
              </li>
            ))}
          </ul>
          {part.data.error && <p className="px-3 pb-2 text-red-700 dark:text-red-400">{part.data.error}</p>}
        </details>
      );
    case "data-upstream-item":
      return (
        <details
          className="rounded-md border border-zinc-200 text-sm dark:border-zinc-800"
          data-item-type={part.data.itemType}
        >
          <summary className="cursor-pointer px-3 py-2">
            <span className="font-mono">{part.data.itemType}</span>{" "}
            <span className="text-xs text-zinc-500 dark:text-zinc-400">
              (an item this app has no card for)
            </span>
          </summary>
          <pre className="overflow-x-auto whitespace-pre-wrap break-words px-3 pb-2 text-xs">
            {part.data.summary}
          </pre>
        </details>
      );
    default:
      return null;
  }
}

/** Consecutive steps under one collapsible heading, open so the run's progress stays visible. */
function StepGroup({
  parts,
  messageId,
  onDecide,
}: {
  parts: Array<{ part: Part; index: number }>;
  messageId: string;
  onDecide: DecideFn;
}) {
  const body = parts.map(({ part, index }) => (
    <PartView key={`${messageId}-${index}`} part={part} onDecide={onDecide} othersUndecided={false} />
  ));
  if (parts.length === 1) return body;
  return (
    <details open className="rounded-lg border border-zinc-200 p-2 dark:border-zinc-800" data-step-group>
      <summary className="cursor-pointer px-1 text-sm text-zinc-600 dark:text-zinc-400">
        {stepsHeader(parts.map(({ part }) => part))}
      </summary>
      <div className="mt-2 space-y-2">{body}</div>
    </details>
  );
}

/** One message. Memoised: while an answer streams, finished messages above it do not re-render. */
export const MessageView = memo(function MessageView({
  message,
  onDecide,
  onRetry,
  versions,
  onSwitchVersion,
  onEdit,
  onRegenerate,
  running = false,
}: {
  message: ChatMessage;
  onDecide: DecideFn;
  /** Offered on the last answer only, when its run ended early and nothing is running. */
  onRetry?: () => void;
  /** Set when the message has versions (edited, regenerated). */
  versions?: VersionPosition;
  /** The switches, Edit and Regenerate are offered while nothing is running. */
  onSwitchVersion?: SwitchVersionFn;
  onEdit?: EditFn;
  onRegenerate?: RegenerateFn;
  /** The answer's run is still going: its usage is shown once it ends. */
  running?: boolean;
}) {
  const switcher = versions && (
    <VersionSwitcher messageId={message.id} position={versions} onSwitch={onSwitchVersion} />
  );
  if (message.role === "user") {
    const text = message.parts.map((p) => (p.type === "text" ? p.text : "")).join("\n");
    return <UserMessage messageId={message.id} text={text} switcher={switcher} onEdit={onEdit} />;
  }
  const undecided = message.parts.filter(awaitsApproval).length;
  return (
    <article className="space-y-3" data-role="assistant" aria-label="Assistant message">
      {segment(message.parts).map((seg) =>
        seg.kind === "steps" ? (
          <StepGroup
            key={`${message.id}-g${seg.parts[0]?.index}`}
            parts={seg.parts}
            messageId={message.id}
            onDecide={onDecide}
          />
        ) : (
          <PartView
            key={`${message.id}-${seg.index}`}
            part={seg.part}
            onDecide={onDecide}
            onRetry={onRetry}
            othersUndecided={undecided > 0}
          />
        ),
      )}
      <AnswerActions
        messageId={message.id}
        switcher={switcher}
        copy={messageMarkdown(message) && <CopyButton what="message" text={() => messageMarkdown(message)} />}
        onRegenerate={onRegenerate}
      />
      {!running && <AnswerUsage message={message} />}
    </article>
  );
});
