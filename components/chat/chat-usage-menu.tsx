"use client";

import { useEffect, useState } from "react";
import { useRunStatusStore } from "@/lib/client/run-status-store";
import { type ChatUsage, describeTokens, formatCount, formatDuration } from "@/lib/shared/usage-text";
import { HeaderPopover, useOpenChatId } from "./header-popover";

type Totals = ChatUsage & { running: boolean };

/**
 * The header's "Usage" for the open chat: its totals as the server adds them up from the stored answers,
 * fetched when the panel opens and again when a run of the chat ends while it is open.
 */
export function ChatUsageMenu() {
  const chatId = useOpenChatId();
  if (!chatId) return null;
  return (
    <HeaderPopover
      chatId={chatId}
      label="Usage"
      panelProps={{ "data-chat-usage": true }}
      panelClassName="absolute top-full right-0 z-20 mt-1 w-72 rounded-md border border-zinc-200 bg-white p-3 text-sm shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
    >
      {({ open }) => <UsagePanel chatId={chatId} open={open} />}
    </HeaderPopover>
  );
}

function UsagePanel({ chatId, open }: { chatId: string; open: boolean }) {
  const [totals, setTotals] = useState<Totals | "error" | undefined>();
  const running = useRunStatusStore((state) => state.byChat[chatId] !== undefined);

  // Read when opened, and when a run ends (or starts) while open: the sums change only when an answer ends.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `running` changing is a trigger
  useEffect(() => {
    if (!open) return;
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

  return (
    <>
      <p className="pb-1.5 text-xs text-zinc-600 dark:text-zinc-400">This chat so far</p>
      {totals === "error" ? (
        <p>The totals could not be loaded.</p>
      ) : !totals ? (
        <p>Loading…</p>
      ) : (
        <TotalsList totals={totals} />
      )}
    </>
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
