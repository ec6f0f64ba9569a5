"use client";

import { FOCUS_RING, HeaderPopover, useOpenChatId } from "./header-popover";

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
  const chatId = useOpenChatId();
  if (!chatId) return null;
  return (
    <HeaderPopover
      chatId={chatId}
      label="Export"
      panelClassName="absolute top-full right-0 z-20 mt-1 w-56 rounded-md border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
    >
      {({ close, panelId }) => (
        <>
          <p id={`${panelId}-title`} className="px-2 pt-1 pb-1.5 text-xs text-zinc-600 dark:text-zinc-400">
            Download this chat as
          </p>
          <ul aria-labelledby={`${panelId}-title`}>
            {FORMATS.map(({ format, label, hint }) => (
              <li key={format}>
                <a
                  href={`/api/chat/${chatId}/export?format=${format}`}
                  download
                  onClick={close}
                  className={`flex items-baseline justify-between gap-3 rounded px-2 py-1.5 text-sm text-zinc-900 hover:bg-zinc-100 dark:text-zinc-100 dark:hover:bg-zinc-800 ${FOCUS_RING}`}
                >
                  {label}
                  <span className="text-xs text-zinc-600 dark:text-zinc-400">{hint}</span>
                </a>
              </li>
            ))}
          </ul>
        </>
      )}
    </HeaderPopover>
  );
}
