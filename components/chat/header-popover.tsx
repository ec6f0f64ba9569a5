"use client";

import { usePathname } from "next/navigation";
import { type ReactNode, useEffect, useId, useRef, useState } from "react";

export const FOCUS_RING =
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600";
const OPEN_CHAT = /^\/chat\/([A-Za-z0-9_-]{1,64})$/;

/** The chat open on this page, from its URL; undefined on a new chat (it gets its URL with its first message). */
export function useOpenChatId(): string | undefined {
  return OPEN_CHAT.exec(usePathname() ?? "")?.[1];
}

/**
 * A header button with a panel under it, for the open chat (Export, Usage): Esc or a click elsewhere closes it
 * (Esc given back to the button), as does moving to another chat, where the panel would point at the chat left.
 * `children` gets `close` and whether the panel is open (to load what it shows only then).
 */
export function HeaderPopover({
  chatId,
  label,
  panelClassName,
  panelProps,
  children,
}: {
  chatId: string;
  label: string;
  panelClassName: string;
  panelProps?: Record<`data-${string}`, boolean>;
  children: (panel: { open: boolean; close: () => void; panelId: string }) => ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: the chat changing is the trigger
  useEffect(() => setOpen(false), [chatId]);

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

  return (
    <div ref={rootRef} className="relative shrink-0">
      <button
        ref={buttonRef}
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((value) => !value)}
        className={`rounded-md px-3 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800 ${FOCUS_RING}`}
      >
        {label}
      </button>
      <div id={panelId} hidden={!open} className={panelClassName} {...panelProps}>
        {children({ open, close: () => setOpen(false), panelId })}
      </div>
    </div>
  );
}
