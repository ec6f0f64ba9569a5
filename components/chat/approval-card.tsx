"use client";

import type { DynamicToolUIPart } from "ai";
import { useId, useRef, useState } from "react";
import { MAX_REASON_CHARS } from "@/lib/shared/chat";
import { focusComposer } from "./composer-focus";
import { Section, toolMetadata } from "./tool-card";
import { pretty, ToolOutput } from "./tool-output";

export type DecideFn = (approvalId: string, approved: boolean, reason?: string) => void;

/**
 * An MCP tool the agent wants to run: which tool, on which server, with what arguments, and the person's
 * Approve / Deny. After a click both buttons stay disabled and the card shows the decision; once every card
 * of the message is decided the decisions go to the server together.
 */
export function ApprovalCard({
  part,
  onDecide,
  othersUndecided,
}: {
  part: DynamicToolUIPart;
  onDecide: DecideFn;
  /** Other cards of the message still wait for a decision: this one is sent together with them. */
  othersUndecided: boolean;
}) {
  const [clicked, setClicked] = useState<boolean | null>(null);
  const [reason, setReason] = useState("");
  const reasonId = useId();
  const cardRef = useRef<HTMLElement>(null);
  const serverLabel = toolMetadata(part).serverLabel ?? "MCP server";
  const approval = part.approval;
  const decided = approval?.approved ?? clicked;
  const open = part.state === "approval-requested" && clicked === null;

  const decide = (approved: boolean) => {
    if (!approval || !open) return;
    setClicked(approved);
    onDecide(approval.id, approved, approved ? undefined : reason.trim() || undefined);
    // The clicked button is disabled now, which would drop the keyboard to the page's body.
    setTimeout(() => focusAfterDecision(cardRef.current), 0);
  };

  return (
    <section
      ref={cardRef}
      data-approval-open={open || undefined}
      aria-label={`Approval request: ${part.toolName} on ${serverLabel}`}
      data-approval-card={part.toolName}
      className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40"
    >
      <p className="font-medium">
        The agent wants to run <span className="font-mono">{part.toolName}</span> on{" "}
        <span className="font-mono">{serverLabel}</span>
      </p>
      <div className="mt-2">
        <Section title="Arguments">
          <pre className="overflow-x-auto whitespace-pre-wrap break-words text-xs">{pretty(part.input)}</pre>
        </Section>
      </div>
      {open && (
        <div className="mt-2">
          <label htmlFor={reasonId} className="block text-xs text-zinc-600 dark:text-zinc-400">
            Reason if you deny (optional)
          </label>
          <input
            id={reasonId}
            value={reason}
            maxLength={MAX_REASON_CHARS}
            onChange={(event) => setReason(event.target.value)}
            className="mt-1 w-full rounded border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
          />
        </div>
      )}
      <div className="mt-3 flex items-center gap-2">
        <button
          type="button"
          data-decide="approve"
          disabled={!open}
          onClick={() => decide(true)}
          className="rounded-md bg-green-700 px-3 py-1.5 font-medium text-white hover:bg-green-600 focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50"
        >
          Approve
        </button>
        <button
          type="button"
          disabled={!open}
          onClick={() => decide(false)}
          className="rounded-md border border-zinc-400 px-3 py-1.5 font-medium hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50 dark:hover:bg-zinc-800"
        >
          Deny
        </button>
        {decided !== null && decided !== undefined && (
          <span
            role="status"
            className={decided ? "text-green-800 dark:text-green-400" : "text-zinc-700 dark:text-zinc-300"}
          >
            {decided ? "Approved" : "Denied"}
            {approval?.reason ? `: ${approval.reason}` : ""}
            {part.state === "approval-responded"
              ? othersUndecided
                ? " · sent once the other requests are decided"
                : " · waiting for the agent…"
              : ""}
            {part.state === "output-denied" ? " · the tool did not run" : ""}
          </span>
        )}
      </div>
      {part.state === "output-available" && (
        <div className="mt-2">
          <Section title="Result">
            <ToolOutput output={part.output} />
          </Section>
        </div>
      )}
      {part.state === "output-error" && (
        <p className="mt-2 text-red-700 dark:text-red-400">{part.errorText}</p>
      )}
    </section>
  );
}

/** After a decision, the keyboard goes to the next card still waiting (after this one first), else the message box. */
function focusAfterDecision(card: HTMLElement | null) {
  const waiting = [...document.querySelectorAll<HTMLElement>("[data-approval-open]")].filter(
    (c) => c !== card,
  );
  const next =
    waiting.find((c) => card && card.compareDocumentPosition(c) & Node.DOCUMENT_POSITION_FOLLOWING) ??
    waiting[0];
  const button = next?.querySelector<HTMLButtonElement>('button[data-decide="approve"]');
  if (button) button.focus();
  else focusComposer();
}
