"use client";

import { useEffect, useState } from "react";

/** The look of the small actions on a message (Copy, Edit, Regenerate): 32 px targets, one style. */
export const ACTION_BUTTON =
  "inline-flex min-h-8 min-w-8 items-center justify-center gap-1 rounded-md px-2.5 py-1 text-sm font-medium text-zinc-700 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600 dark:text-zinc-300 dark:hover:bg-zinc-700";

type CopyState = "idle" | "copied" | "failed";

const LABEL: Record<CopyState, string> = { idle: "Copy", copied: "Copied", failed: "Copy failed" };

/**
 * Copies text to the clipboard and says so for two seconds. `what` finishes the accessible name
 * ("Copy code", "Copy message"); the text is read at click time, so it is whatever is shown then.
 */
export function CopyButton({
  what,
  text,
  className = "",
}: {
  what: string;
  text: () => string;
  className?: string;
}) {
  const [state, setState] = useState<CopyState>("idle");
  useEffect(() => {
    if (state === "idle") return;
    const timer = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text());
      setState("copied");
    } catch {
      // No clipboard (an insecure origin, a denied permission): say so rather than pretend.
      setState("failed");
    }
  };

  return (
    <button type="button" onClick={() => void copy()} className={`${ACTION_BUTTON} ${className}`}>
      {state === "idle" && <CopyIcon />}
      {LABEL[state]}
      {state === "idle" && <span className="sr-only"> {what}</span>}
    </button>
  );
}

function CopyIcon() {
  return (
    // Marked as the app's own: the hostile-output test allows no other <svg> inside a message.
    <svg
      data-ui-icon
      aria-hidden
      viewBox="0 0 16 16"
      className="h-4 w-4"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
    >
      <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
      <path d="M10.5 3.5v-1a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h1" />
    </svg>
  );
}
