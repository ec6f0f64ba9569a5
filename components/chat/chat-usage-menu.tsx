"use client";

import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { useRunStatusStore } from "@/lib/client/run-status-store";
import { type ChatUsage, describeTokens, formatCount, formatDuration } from "@/lib/shared/usage";

const FOCUS = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600";
const OPEN_CHAT = /^\/chat\/([A-Za-z0-9_-]{1,64})$/;

type Totals = ChatUsage & { running: boolean };

/**
 * The header's "Usage" for the open chat: its totals as the server adds them up from the stored answers,
 * fetched when the panel opens and again when a run of the chat ends while it is open.
 */
export function ChatUsageMenu() {
  const chatId = OPEN_CHAT.exec(usePathname() ?? "")?.[1];
  const [open, setOpen] = useState(false);
  const [totals, setTotals] = useState<Totals | "error" | undefined>();
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();
  const running = useRunStatusStore((state) => (chatId ? state.byChat[chatId] !== undefined : false));

  // biome-ignore lint/correctness/useExhaustiveDependencies: the chat changing is the trigger
  useEffect(() => setOpen(false), [chatId]);

  // Read when opened, and when a run ends (or starts) while open: the sums change only when an answer ends.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `running` changing is a trigger
  useEffect(() => {
    if (!open || !chatId) return;
    const abort = new AbortController();
    fetch(`/api/chat/${chatId}/usage`, { signal: abort.signal })
      .then(
        async (response): Promise<Totals | "error"> =>
          response.ok ? ((await response.json()) as Totals) : "error",
      )
      .then(setTotals)
      .catch(() => {
        if (!abort.signal.aborted) setTotals("error");
      });
    return () => abort.abort();
  }, [open, chatId, running]);

  useEffect(() => {
    if (!open) return;
    // Captured, and marked handled: the chat's own Esc (Stop) must not also fire while this panel is open.
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape" || event.isComposing) return;
      event.preventDefault();
      setOpen(false);
      buttonRef.current?.focus();
    };
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("keydown", onKeyDown, true);
    document.addEventListener("pointerdown", onPointerDown);
    return () => {
      document.removeEventListener("keydown", onKeyDown, true);
      document.removeEventListener("pointerdown", onPointerDown);
    };
  }, [open]);

  if (!chatId) return null;
  return (
    <div ref={rootRef} className="relative shrink-0">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className={`rounded-md px-3 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800 ${FOCUS}`}
      >
        Usage
      </button>
      <div
        id={panelId}
        hidden={!open}
        data-chat-usage
        className="absolute top-full right-0 z-20 mt-1 w-72 rounded-md border border-zinc-200 bg-white p-3 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      >
        <p className="pb-1.5 text-xs text-zinc-600 dark:text-zinc-400">This chat so far</p>
        {totals === "error" ? (
          <p>The totals could not be loaded.</p>
        ) : !totals ? (
          <p>Loading…</p>
        ) : (
          <TotalsList totals={totals} />
        )}
      </div>
    </div>
  );
}

function TotalsList({ totals }: { totals: Totals }) {
  const rows: Array<[string, string]> = [
    ["Answers", formatCount(totals.answers)],
    ["Tool calls", formatCount(totals.toolCalls)],
    ["Run time", formatDuration(totals.durationMs)],
    ...(totals.tokens
      ? ([
          ["Tokens", formatCount(totals.tokens.input + totals.tokens.output)],
          ["In / out", describeTokens(totals.tokens)],
        ] as Array<[string, string]>)
      : []),
  ];
  return (
    <>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
        {rows.map(([term, value]) => (
          <div key={`${term}${value}`} className="contents">
            <dt className="text-zinc-600 dark:text-zinc-400">{term}</dt>
            <dd className="text-zinc-900 dark:text-zinc-100">{value}</dd>
          </div>
        ))}
      </dl>
      {totals.running && (
        <p className="pt-1.5 text-xs text-zinc-600 dark:text-zinc-400">
          The answer being written is added when it ends.
        </p>
      )}
    </>
  );
}
