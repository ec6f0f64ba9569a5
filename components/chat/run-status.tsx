"use client";

import { useEffect, useState } from "react";
import { useRunStatusStore } from "@/lib/client/run-status-store";

const LABEL: Record<string, string> = {
  submitting: "Submitting",
  reconnecting: "Reconnecting",
  queued: "Queued",
  in_progress: "Running",
};

export function formatElapsed(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return m > 0 ? `${m}m ${String(s).padStart(2, "0")}s` : `${s}s`;
}

/** The live line under the conversation: phase, a ticking elapsed time and how often we have checked. */
export function RunStatus({ chatId }: { chatId: string }) {
  const status = useRunStatusStore((state) => state.byChat[chatId]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!status) return null;
  const label = LABEL[status.status] ?? status.status;
  return (
    <div
      role="status"
      aria-live="polite"
      className="flex items-center gap-2 px-4 py-1 text-sm text-zinc-600 dark:text-zinc-400"
      data-testid="run-status"
    >
      <span className="inline-block size-2 animate-pulse rounded-full bg-blue-600" aria-hidden />
      <span>{label}</span>
      <span>
        · <span className="sr-only">elapsed </span>
        {formatElapsed(Math.max(now, status.startedAtMs) - status.startedAtMs)}
      </span>
      {status.polls > 0 && <span>· checked {status.polls}×</span>}
      {status.retrying && (
        <span className="text-amber-700 dark:text-amber-400">· {status.retrying.message}</span>
      )}
    </div>
  );
}
