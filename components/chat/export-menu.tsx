"use client";

import { usePathname } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";

const FOCUS = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600";
const OPEN_CHAT = /^\/chat\/([A-Za-z0-9_-]{1,64})$/;

const FORMATS = [
  { format: "markdown", label: "Markdown", hint: ".md" },
  { format: "json", label: "JSON", hint: ".json" },
] as const;

/**
 * The header's "Export" for the open chat: a disclosure with two plain download links to
 * `GET /api/chat/{id}/export`, so the server builds the file from what it stored and the browser saves it as
 * any download. Esc or a click elsewhere closes it; shown only where a chat is open (a new chat gets its URL,
 * and with it this menu, once its first message is sent).
 */
export function ExportMenu() {
  const chatId = OPEN_CHAT.exec(usePathname() ?? "")?.[1];
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  // Another chat, another menu: a menu left open would point at the chat just left.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the chat changing is the trigger
  useEffect(() => setOpen(false), [chatId]);

  useEffect(() => {
    if (!open) return;
    // Captured, and marked handled: the chat's own Esc (Stop) must not also fire while this menu is open.
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
        Export
      </button>
      <div
        id={panelId}
        hidden={!open}
        className="absolute top-full right-0 z-20 mt-1 w-56 rounded-md border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      >
        <p id={`${panelId}-title`} className="px-2 pt-1 pb-1.5 text-xs text-zinc-600 dark:text-zinc-400">
          Download this chat as
        </p>
        <ul aria-labelledby={`${panelId}-title`}>
          {FORMATS.map(({ format, label, hint }) => (
            <li key={format}>
              <a
                href={`/api/chat/${chatId}/export?format=${format}`}
                download
                onClick={() => setOpen(false)}
                className={`flex items-baseline justify-between gap-3 rounded px-2 py-1.5 text-sm text-zinc-900 hover:bg-zinc-100 dark:text-zinc-100 dark:hover:bg-zinc-800 ${FOCUS}`}
              >
                {label}
                <span className="text-xs text-zinc-600 dark:text-zinc-400">{hint}</span>
              </a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
